using System.Globalization;
using System.Runtime.ExceptionServices;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Hyperopt's fmin driver loop over a store (<see cref="Trials"/>) and a runner (<see cref="ITrialRunner"/>): ask
/// the algorithm for as many points as the runner has slots and the budget allows, dispatch them, record each
/// completion, and stop at max evals, timeout, loss threshold or early stop.
/// </summary>
internal sealed class OptimizationLoop
{
    private readonly OptimizationRequest _request;
    private readonly Trials _trials;
    private readonly TimeProvider _time;
    private readonly Queue<IReadOnlyDictionary<string, double?>> _points;
    private readonly long _seed;

    // The algorithm's inputs, kept as trials start and finish instead of being rebuilt from the whole store for
    // every batch: the completed trials by number (the same observation objects from call to call, so an
    // algorithm's cache recognizes them by reference) and the running ones by number.
    private readonly List<TrialObservation> _history = [];
    private readonly List<int> _historyNumbers = [];
    private readonly SortedDictionary<int, IReadOnlyDictionary<string, double?>> _pending = [];
    private DateTimeOffset? _deadline;

    private OptimizationLoop(OptimizationRequest request, Queue<IReadOnlyDictionary<string, double?>> points, long seed)
    {
        _request = request;
        _trials = request.Trials;
        _time = request.TimeProvider;
        _points = points;
        _seed = seed;
    }

    public static async Task<FMinResult> RunAsync(OptimizationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var run = request.Trials.BeginRun();
        OptimizationArguments.Validate(request);
        var points = OptimizationArguments.PointsToRun(request);
        var seed = request.Seed ?? request.Trials.Seed ?? Random.Shared.NextInt64();
        request.Trials.Seed ??= seed;
        return await new OptimizationLoop(request, points, seed).RunAsync(cancellationToken);
    }

    private async Task<FMinResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = _time.GetUtcNow();
        _deadline = startedAt + _request.Timeout;
        // Trials an earlier run left running (a resumed experiment) are the runner's to take over, not new dispatches.
        var leftRunning = _trials.All.Where(trial => trial.State == TrialState.Running).ToList();
        foreach (var trial in _trials.All)
        {
            if (trial.State == TrialState.Running)
            {
                _pending[trial.Number] = trial.Vals;
            }
            else
            {
                AddToHistory(trial);
            }
        }

        using var deadline = _request.Timeout is { } timeout
            ? new CancellationTokenSource(timeout, _time)
            : new CancellationTokenSource();
        using var experiment = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        string DescribeCancellation() => cancellationToken.IsCancellationRequested
            ? "fmin was cancelled by its caller"
            : string.Create(CultureInfo.InvariantCulture, $"fmin timeout ({_request.Timeout}) reached");

        // A distributed store fixes its parallelism here, from the workers live now and the budget left (the trials
        // taken over still need their slots).
        await _trials.PrepareAsync(UnfinishedBudget(), _deadline, cancellationToken);
        var runner = _trials.CreateRunner(new TrialRunnerContext(
            _trials.ExperimentId, _request.Objective, _request.MaxQueueLen, DescribeCancellation, experiment.Token));
        StopReason? stopReason = null;
        ExceptionDispatchInfo? error = null;
        await using (runner)
        {
            await NotifyAsync(observer => observer.ExperimentStartedAsync(
                new OptimizationStarted(
                    _trials.ExperimentId, _request.Space, _request.Algorithm.Name, _request.MaxEvals, _request.MaxQueueLen,
                    _request.Timeout, _request.LossThreshold, _seed, _trials, startedAt),
                cancellationToken));
            try
            {
                if (leftRunning.Count > 0)
                {
                    await runner.ReattachAsync(leftRunning, cancellationToken);
                }

                stopReason = await RunTrialsAsync(runner, experiment.Token, cancellationToken);
            }
#pragma warning disable CA1031 // Recorded, reported to observers, and rethrown below.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                error = ExceptionDispatchInfo.Capture(exception);
            }

            await DrainAsync(runner, DescribeCancellation());
        }

        CancelOrphans("fmin ended before it was dispatched", _time.GetUtcNow());
        var best = _trials.FindBestTrial();
        if (error is null && best is null)
        {
            error = ExceptionDispatchInfo.Capture(new AllTrialsFailedException(string.Create(
                CultureInfo.InvariantCulture,
                $"fmin stopped ({stopReason}) and no trial finished with status ok ({_trials.Counts}), so there is no best trial")));
        }

        await NotifyAsync(observer => observer.ExperimentEndedAsync(
            new OptimizationEnded(_trials, stopReason, error?.SourceException, _time.GetUtcNow()),
            CancellationToken.None));
        error?.Throw();
        return new FMinResult(_trials, best!, stopReason!.Value, _seed, _request.ReturnArgmin);
    }

    private async Task<StopReason> RunTrialsAsync(ITrialRunner runner, CancellationToken experimentToken, CancellationToken callerToken)
    {
        if (LossThresholdReached())
        {
            return StopReason.LossThreshold;
        }

        while (true)
        {
            callerToken.ThrowIfCancellationRequested();
            if (DeadlinePassed())
            {
                return StopReason.Timeout;
            }

            var toStart = Math.Min(await runner.GetAvailableSlotsAsync(callerToken), RemainingBudget());
            if (toStart > 0 && !await DispatchAsync(runner, toStart, callerToken))
            {
                return StopReason.Timeout;
            }

            if (runner.InFlight == 0)
            {
                return StopReason.MaxEvals;
            }

            TrialOutcome outcome;
            try
            {
                outcome = await runner.WaitForCompletionAsync(experimentToken);
            }
            catch (OperationCanceledException) when (experimentToken.IsCancellationRequested)
            {
                callerToken.ThrowIfCancellationRequested();
                return StopReason.Timeout;
            }

            // Every outcome that has already arrived is recorded before the next dispatch, so that the freed slots
            // are refilled by one batch whose sends overlap, rather than by one round trip each. Each outcome is
            // still checked on its own: a stop leaves the rest to the drain, which records them.
            while (true)
            {
                if (await RecordAndCheckAsync(outcome) is { } stop)
                {
                    return stop;
                }

                if (!runner.TryTakeCompletion(out var next))
                {
                    break;
                }

                outcome = next;
            }
        }
    }

    /// <summary>Records one outcome; the reason to stop when it reaches the loss threshold or the early stop.</summary>
    private async Task<StopReason?> RecordAndCheckAsync(TrialOutcome outcome)
    {
        await RecordAsync(outcome);
        if (outcome.Exception is { } exception && !_request.CatchEvalExceptions)
        {
            exception.Throw();
        }

        if (LossThresholdReached())
        {
            return StopReason.LossThreshold;
        }

        if (_request.EarlyStop is { } earlyStop && earlyStop(_trials.Completed))
        {
            return StopReason.EarlyStop;
        }

        return null;
    }

    /// <summary>Starts up to <paramref name="count"/> trials; false when the deadline passed before all started.</summary>
    private async Task<bool> DispatchAsync(ITrialRunner runner, int count, CancellationToken callerToken)
    {
        var batch = new List<IReadOnlyDictionary<string, double?>>(count);
        while (batch.Count < count && _points.Count > 0)
        {
            batch.Add(_points.Dequeue());
        }

        if (batch.Count < count)
        {
            batch.AddRange(Suggest(count - batch.Count, _trials.NextNumber + batch.Count));
        }

        // The starts of a batch overlap: a distributed runner spends a slot acquire and a send on each, round trips
        // that cost no more side by side than one after the other. Each trial still takes its own slot first.
        var starts = new List<Task>(batch.Count);
        var allStarted = true;
        foreach (var vals in batch)
        {
            if (DeadlinePassed())
            {
                allStarted = false;
                break;
            }

            var parameters = new TrialParameters(_request.Space.Evaluate(vals));
            var trial = _trials.AddRunning(Guid.NewGuid(), vals, parameters, _time.GetUtcNow());
            _pending.Add(trial.Number, trial.Vals);
            await NotifyAsync(observer => observer.TrialDispatchingAsync(trial, callerToken));
            starts.Add(runner.StartAsync(trial, callerToken));
        }

        await Task.WhenAll(starts);
        return allStarted;
    }

    private IReadOnlyList<IReadOnlyDictionary<string, double?>> Suggest(int count, int firstTrialNumber)
    {
        // Copies: an algorithm may keep the lists it was given, and these change as trials start and finish.
        var suggestions = _request.Algorithm.Suggest(new SuggestionRequest(
            _request.Space, [.. _history], [.. _pending.Values], count, firstTrialNumber, _seed));
        if (suggestions.Count == 0)
        {
            throw new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"algorithm '{_request.Algorithm.Name}' suggested no point when {count} were asked for"));
        }

        return suggestions.Count > count ? [.. suggestions.Take(count)] : suggestions;
    }

    private async Task RecordAsync(TrialOutcome outcome)
    {
        var trial = _trials.Complete(outcome.TrialId, outcome.Result, _time.GetUtcNow(), outcome.Worker, outcome.Attempts);
        _pending.Remove(trial.Number);
        AddToHistory(trial);

        await NotifyAsync(observer => observer.TrialCompletedAsync(trial, _trials, CancellationToken.None));
    }

    /// <summary>Cancels what is still in flight and records every outcome, so no trial is left running.</summary>
    private async Task DrainAsync(ITrialRunner runner, string reason)
    {
        if (runner.InFlight == 0)
        {
            return;
        }

        await runner.CancelAllAsync(reason, CancellationToken.None);
        while (runner.InFlight > 0)
        {
            await RecordAsync(await runner.WaitForCompletionAsync(CancellationToken.None));
        }
    }

    /// <summary>Adds a completed trial to the algorithm's history at its place by number (usually the end).</summary>
    private void AddToHistory(TrialRecord trial)
    {
        if (trial.State != TrialState.Completed)
        {
            return;
        }

        var index = _historyNumbers.BinarySearch(trial.Number);
        if (index >= 0)
        {
            return;
        }

        _historyNumbers.Insert(~index, trial.Number);
        _history.Insert(~index, new TrialObservation(trial.Vals, trial.Loss, trial.Status!.Value));
    }

    private void CancelOrphans(string reason, DateTimeOffset now)
    {
        foreach (var trial in _trials.All.Where(trial => trial.State == TrialState.Running))
        {
            _trials.Complete(trial.Id, ObjectiveResult.Cancelled(reason), now);
        }
    }

    private int RemainingBudget() => _request.MaxEvals is { } maxEvals ? Math.Max(0, maxEvals - _trials.Count) : int.MaxValue;

    /// <summary>The trials still to finish: the budget left plus those running (taken over from an earlier run).</summary>
    private int UnfinishedBudget() => _request.MaxEvals is { } maxEvals
        ? Math.Max(0, maxEvals - _trials.All.Count(trial => trial.State == TrialState.Completed))
        : int.MaxValue;

    private bool DeadlinePassed() => _deadline is { } deadline && _time.GetUtcNow() >= deadline;

    private bool LossThresholdReached() =>
        _request.LossThreshold is { } threshold && _trials.FindBestTrial() is { Loss: { } best } && best <= threshold;

    private async Task NotifyAsync(Func<IOptimizationObserver, Task> notify)
    {
        foreach (var observer in _request.Observers)
        {
            await notify(observer);
        }
    }
}
