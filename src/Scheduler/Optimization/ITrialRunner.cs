using System.Diagnostics.CodeAnalysis;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// How the optimization loop gets trials evaluated: in-process (<see cref="LocalTrialRunner"/>) or through
/// workers. The loop owns the store and the algorithm; a runner only moves trials to an objective and back.
/// </summary>
internal interface ITrialRunner : IAsyncDisposable
{
    /// <summary>How many more trials may be dispatched now (a distributed runner may ask its slot store).</summary>
    ValueTask<int> GetAvailableSlotsAsync(CancellationToken cancellationToken);

    /// <summary>How many dispatched trials have not been reported by <see cref="WaitForCompletionAsync"/> yet.</summary>
    int InFlight { get; }

    /// <summary>
    /// Takes over the trials an earlier run of the store left running (a resumed experiment), before any
    /// <see cref="StartAsync"/>: each counts as in flight and is reported once through <see cref="WaitForCompletionAsync"/>.
    /// A distributed runner waits for the result (queued while the scheduler was down, still running on a worker, or
    /// sent again); an in-process runner cannot, since the objective ran in a process that has ended, so it reports
    /// the trial cancelled.
    /// </summary>
    Task ReattachAsync(IReadOnlyList<TrialRecord> trials, CancellationToken cancellationToken);

    /// <summary>Dispatches a running trial; returns once it is on its way, not when it finishes.</summary>
    Task StartAsync(TrialRecord trial, CancellationToken cancellationToken);

    /// <summary>
    /// The next finished trial. Throws <see cref="OperationCanceledException"/> when the token (the experiment's
    /// deadline or the caller's cancellation) fires first; nothing is lost then, the next call still reports it.
    /// </summary>
    Task<TrialOutcome> WaitForCompletionAsync(CancellationToken cancellationToken);

    /// <summary>The next finished trial if one has already arrived, without waiting; counted like <see cref="WaitForCompletionAsync"/>.</summary>
    bool TryTakeCompletion([MaybeNullWhen(false)] out TrialOutcome outcome);

    /// <summary>Cancels every trial in flight; each still completes (as cancelled) through <see cref="WaitForCompletionAsync"/>.</summary>
    Task CancelAllAsync(string reason, CancellationToken cancellationToken);
}
