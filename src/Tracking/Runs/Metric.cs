namespace HyperQueue.Tracking.Runs;

/// <summary>One logged metric value, as MLflow's <c>Metric</c> (key, value, step, timestamp).</summary>
public sealed record Metric(string Key, double Value, long Step, DateTimeOffset Timestamp);
