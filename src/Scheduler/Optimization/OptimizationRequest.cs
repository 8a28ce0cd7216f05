using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>One fmin call with its arguments resolved (defaults applied, objective adapted to one shape).</summary>
internal sealed record OptimizationRequest
{
    public required Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> Objective { get; init; }

    public required SearchSpace Space { get; init; }

    public required ISearchAlgorithm Algorithm { get; init; }

    public required Trials Trials { get; init; }

    public int? MaxEvals { get; init; }

    public int MaxQueueLen { get; init; } = 1;

    public TimeSpan? Timeout { get; init; }

    public double? LossThreshold { get; init; }

    public EarlyStopFunction? EarlyStop { get; init; }

    public long? Seed { get; init; }

    public IReadOnlyList<IReadOnlyDictionary<string, double?>> PointsToEvaluate { get; init; } = [];

    public bool ReturnArgmin { get; init; } = true;

    public bool CatchEvalExceptions { get; init; } = true;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public IReadOnlyList<IOptimizationObserver> Observers { get; init; } = [];
}
