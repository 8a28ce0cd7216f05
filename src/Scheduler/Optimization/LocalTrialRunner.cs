using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Runs objectives in this process, like hyperopt's plain <c>Trials</c>: up to <c>maxQueueLen</c> at once (one by
/// default, so trials run one after another), each off the loop's thread so the loop keeps watching the deadline.
/// </summary>
internal sealed class LocalTrialRunner : ITrialRunner
{
    private readonly TrialRunnerContext _context;
    private readonly CancellationTokenSource _cancelAll;
    private readonly Channel<TrialOutcome> _outcomes = Channel.CreateUnbounded<TrialOutcome>();
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();
    private string? _cancelReason;
    private int _inFlight;

    public LocalTrialRunner(TrialRunnerContext context)
    {
        _context = context;
        _cancelAll = CancellationTokenSource.CreateLinkedTokenSource(context.ExperimentCancellation);
    }

    public ValueTask<int> GetAvailableSlotsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(Math.Max(0, _context.MaxQueueLen - InFlight));

    public int InFlight => Volatile.Read(ref _inFlight);

    public Task ReattachAsync(IReadOnlyList<TrialRecord> trials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trials);
        foreach (var trial in trials)
        {
            Interlocked.Increment(ref _inFlight);
            _outcomes.Writer.TryWrite(new TrialOutcome(
                trial.Id, ObjectiveResult.Cancelled("it was still running when this trials store was saved or its fmin call ended")));
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _inFlight);
        var objectiveContext = new ObjectiveContext
        {
            Parameters = trial.Parameters,
            ExperimentId = _context.ExperimentId,
            TrialId = trial.Id,
            TrialNumber = trial.Number,
        };
        var token = _cancelAll.Token;
        // A dedicated thread: a synchronous objective may compute for hours and must not hold a pool thread.
        var task = Task.Factory.StartNew(
            () => EvaluateAsync(trial.Id, objectiveContext, token),
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();
        lock (_gate)
        {
            _running.Add(task);
        }

        return Task.CompletedTask;
    }

    public async Task<TrialOutcome> WaitForCompletionAsync(CancellationToken cancellationToken)
    {
        var outcome = await _outcomes.Reader.ReadAsync(cancellationToken);
        Interlocked.Decrement(ref _inFlight);
        return outcome;
    }

    public bool TryTakeCompletion([MaybeNullWhen(false)] out TrialOutcome outcome)
    {
        if (!_outcomes.Reader.TryRead(out outcome))
        {
            return false;
        }

        Interlocked.Decrement(ref _inFlight);
        return true;
    }

    public async Task CancelAllAsync(string reason, CancellationToken cancellationToken)
    {
        Interlocked.CompareExchange(ref _cancelReason, reason, null);
        await _cancelAll.CancelAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cancelAll.CancelAsync();
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        // Objectives that ignore their token are awaited here rather than left running after fmin returns.
        await Task.WhenAll(running);
        _cancelAll.Dispose();
    }

    private async Task EvaluateAsync(Guid trialId, ObjectiveContext context, CancellationToken cancellationToken)
    {
        TrialOutcome outcome;
        try
        {
            var result = await _context.Objective(context, cancellationToken)
                ?? ObjectiveResult.Fail("the objective returned null instead of a result", "invalid_result");
            outcome = new TrialOutcome(trialId, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = new TrialOutcome(trialId, ObjectiveResult.Cancelled(Volatile.Read(ref _cancelReason) ?? _context.DescribeCancellation()));
        }
#pragma warning disable CA1031 // An objective's exception of any type is a failed trial, never a crashed fmin.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            outcome = new TrialOutcome(trialId, ObjectiveResult.FromException(exception), ExceptionDispatchInfo.Capture(exception));
        }

        _outcomes.Writer.TryWrite(outcome);
    }
}
