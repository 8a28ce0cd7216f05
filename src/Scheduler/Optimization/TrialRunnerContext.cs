using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>What a runner needs from one fmin call.</summary>
/// <param name="ExperimentId">The store's experiment id, passed on to objectives.</param>
/// <param name="Objective">The objective as fmin received it, adapted to one shape.</param>
/// <param name="MaxQueueLen">Hyperopt's <c>max_queue_len</c>: how many trials may be in flight at once.</param>
/// <param name="DescribeCancellation">Why the experiment token fired, for the record of a cancelled trial.</param>
/// <param name="ExperimentCancellation">Fires at the timeout or when the caller cancels fmin.</param>
internal sealed record TrialRunnerContext(
    Guid ExperimentId,
    Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> Objective,
    int MaxQueueLen,
    Func<string> DescribeCancellation,
    CancellationToken ExperimentCancellation);
