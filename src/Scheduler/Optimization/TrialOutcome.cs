using System.Runtime.ExceptionServices;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// A finished trial as a runner reports it. <see cref="Exception"/> keeps the objective's exception so fmin can
/// rethrow it when <c>catchEvalExceptions</c> is false (the result already records it as a failed trial).
/// </summary>
internal sealed record TrialOutcome(Guid TrialId, ObjectiveResult Result, ExceptionDispatchInfo? Exception = null)
{
    /// <summary>The worker that ran the trial, for distributed trials.</summary>
    public string? Worker { get; init; }

    public int Attempts { get; init; } = 1;
}
