namespace HyperQueue.Tracking.Runs;

/// <summary>
/// A run with its data, as MLflow's <c>Run</c>: params, tags and the latest value of each metric
/// (highest step, then latest timestamp; MLflow's rule).
/// </summary>
public sealed record Run(
    RunInfo Info,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, Metric> Metrics);
