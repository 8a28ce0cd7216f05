using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>What an observer learns when fmin starts.</summary>
/// <param name="MaxEvals">The budget over the whole store, null when unlimited.</param>
/// <param name="Seed">The resolved seed, so a run can be repeated.</param>
internal sealed record OptimizationStarted(
    Guid ExperimentId,
    SearchSpace Space,
    string AlgorithmName,
    int? MaxEvals,
    int MaxQueueLen,
    TimeSpan? Timeout,
    double? LossThreshold,
    long Seed,
    Trials Trials,
    DateTimeOffset StartedAt);
