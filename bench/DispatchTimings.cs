using System.Diagnostics;
using HyperQueue.Scheduler.Optimization;

namespace HyperQueue.Bench;

/// <summary>
/// Per-trial dispatch overhead as BENCHMARKS.md section 3 defines it: from the moment the scheduler hands a trial to
/// the runner (before its slot is taken and it is sent) to the moment its result is recorded in the store.
/// </summary>
/// <param name="onCompleted">Called with the number of trials recorded so far after each one (the soak's snapshots).</param>
internal sealed class DispatchTimings(Action<int>? onCompleted = null) : IOptimizationObserver
{
    // The loop notifies observers one at a time, so plain collections suffice.
    private readonly Dictionary<Guid, long> _dispatchedAt = [];
    private readonly List<double> _overheadsMs = [];

    public IReadOnlyList<double> OverheadsMs => _overheadsMs;

    public Task ExperimentStartedAsync(OptimizationStarted started, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task TrialDispatchingAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        _dispatchedAt[trial.Id] = Stopwatch.GetTimestamp();
        return Task.CompletedTask;
    }

    public Task TrialCompletedAsync(TrialRecord trial, Trials trials, CancellationToken cancellationToken)
    {
        if (_dispatchedAt.Remove(trial.Id, out var dispatchedAt))
        {
            _overheadsMs.Add(Stopwatch.GetElapsedTime(dispatchedAt).TotalMilliseconds);
        }

        onCompleted?.Invoke(_overheadsMs.Count);
        return Task.CompletedTask;
    }

    public Task ExperimentEndedAsync(OptimizationEnded ended, CancellationToken cancellationToken) => Task.CompletedTask;
}
