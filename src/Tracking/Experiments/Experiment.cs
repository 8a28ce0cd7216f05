namespace HyperQueue.Tracking.Experiments;

/// <summary>A named group of runs, as MLflow's <c>Experiment</c>; names are unique.</summary>
public sealed record Experiment(string ExperimentId, string Name, string ArtifactLocation, DateTimeOffset CreationTime);
