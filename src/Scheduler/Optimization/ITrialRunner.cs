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
