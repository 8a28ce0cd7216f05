using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// What an observer learns when fmin starts: its arguments as resolved (<see cref="MaxEvals"/> counts the whole
/// store and is null when unlimited; <see cref="Seed"/> is the seed actually used, so a run can be repeated).
/// </summary>
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
