namespace HyperQueue.Tracking.Runs;

/// <summary>
/// A run's identity and lifecycle, as MLflow's <c>RunInfo</c>. Times have millisecond precision (MLflow stores
/// milliseconds since the Unix epoch).
/// </summary>
public sealed record RunInfo(
    string RunId,
    string ExperimentId,
    string? RunName,
    RunStatus Status,
    DateTimeOffset StartTime,
    DateTimeOffset? EndTime,
    string? ParentRunId,
    string ArtifactUri);
