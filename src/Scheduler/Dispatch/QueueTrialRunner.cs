using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Threading.Channels;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Objectives;
using MassTransit;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HyperQueue.Scheduler.Dispatch;

/// <summary>
/// Runs fmin's trials on workers: each trial becomes one <see cref="EvaluateTrial"/> sent through
/// <see cref="TrialDispatcher"/>, and each <see cref="TrialCompleted"/> becomes the loop's <see cref="TrialOutcome"/>.
/// After <see cref="CancelAllAsync"/> the workers get <see cref="CancellationGrace"/> to report their trials as
/// cancelled; whatever has not reported by then is recorded as cancelled here, so fmin returns on time.
/// </summary>
internal sealed partial class QueueTrialRunner : ITrialRunner
{
    /// <summary>How long cancelled trials have to report before they are recorded as cancelled without a report.</summary>
    public static readonly TimeSpan CancellationGrace = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan SlotRetryInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>How often a trial waiting to be sent tries the in-flight store again while it is unreachable.</summary>
    private static readonly TimeSpan StoreRetryInterval = TimeSpan.FromMilliseconds(250);

    private readonly TrialDispatcher _dispatcher;
    private readonly IInFlightStore _store;
    private readonly DispatchSettings _settings;
    private readonly TimeSpan? _trialTimeout;
    private readonly Func<Guid, TrialRunIds?> _runIds;
    private readonly string? _trackingUri;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<TrialOutcome> _outcomes = Channel.CreateUnbounded<TrialOutcome>();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _starting;
    private Task? _pump;
    private int _inFlight;

    public QueueTrialRunner(
        TrialDispatcher dispatcher,
        IInFlightStore store,
        DispatchSettings settings,
        TimeSpan? trialTimeout,
        Func<Guid, TrialRunIds?> runIds,
        string? trackingUri,
        TimeProvider time,
        ILogger logger)
    {
        _dispatcher = dispatcher;
        _store = store;
        _settings = settings;
        _trialTimeout = trialTimeout;
        _runIds = runIds;
        _trackingUri = trackingUri;
        _time = time;
        _logger = logger;
    }

    /// <summary>Counted here rather than asked of Redis: this runner is the only one taking the experiment's slots.</summary>
    public ValueTask<int> GetAvailableSlotsAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(Math.Max(0, _settings.Parallelism - InFlight));

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Takes over the trials a scheduler of this experiment left running when it died, before anything new is sent;
    /// <see cref="TrialDispatcher.StartAsync(IReadOnlyCollection{EvaluateTrial}, CancellationToken)"/> says which
    /// are waited for and which are sent again.
    /// </summary>
    public async Task ReattachAsync(IReadOnlyList<TrialRecord> trials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trials);
        if (_starting is not null)
        {
            throw new InvalidOperationException("trials are reattached before any new trial is started");
        }

        _starting = StartDispatcherAsync([.. trials.Select(trial => CreateMessage(trial, Math.Max(1, trial.Attempts)))], cancellationToken);
        await _starting;
        // Counted once the dispatcher owns them: fmin then waits for exactly these completions.
        Interlocked.Add(ref _inFlight, trials.Count);
    }

    public async Task StartAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        // Starts overlap (the loop sends a batch at once): the first one starts the dispatcher, the others wait for it.
        await (_starting ??= StartDispatcherAsync([], cancellationToken));
        Interlocked.Increment(ref _inFlight);
        try
        {
            await DispatchAsync(trial, cancellationToken);
        }
        catch
        {
            // Nothing was sent, so no outcome will ever come: the loop must not wait for one. The trial stays
            // running in the store, and fmin records it as cancelled when it ends.
            Interlocked.Decrement(ref _inFlight);
            throw;
        }
    }

    private async Task StartDispatcherAsync(IReadOnlyCollection<EvaluateTrial> reattached, CancellationToken cancellationToken)
    {
        await _dispatcher.StartAsync(reattached, cancellationToken);
        _pump = PumpAsync(_stopping.Token);
    }

    private async Task DispatchAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        var message = CreateMessage(trial, attempt: 1);

        // The loop only starts what GetAvailableSlotsAsync allows, so a refused slot means a slot not yet freed in Redis
        // (a completion still on its way), an experiment the store lost (restored, then tried again) or an experiment
        // that has ended: wait for the first two, report the last. While the store or the broker is unreachable, wait.
        var unreachable = false;
        while (true)
        {
            string? ended;
            try
            {
                if (await _dispatcher.TryDispatchAsync(message, cancellationToken))
                {
                    return;
                }

                ended = await GetEndReasonAsync(cancellationToken);
                unreachable = false;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or MassTransitException)
            {
                // Redis or the broker is away (a restart): the slot, if taken, was given back; try again when it is back.
                if (!unreachable)
                {
                    Log.StoreUnavailable(_logger, ex, trial.Id);
                    unreachable = true;
                }

                ended = _settings.Deadline is { } deadline && _time.GetUtcNow() >= deadline
                    ? string.Create(CultureInfo.InvariantCulture, $"its deadline {deadline:O} passed while the in-flight store or the broker was unreachable")
                    : null;
            }

            if (ended is not null)
            {
                _outcomes.Writer.TryWrite(new TrialOutcome(
                    trial.Id, ObjectiveResult.Cancelled($"the experiment ended before the trial was sent ({ended})")));
                return;
            }

            await Task.Delay(unreachable ? StoreRetryInterval : SlotRetryInterval, _time, cancellationToken);
        }
    }

    private EvaluateTrial CreateMessage(TrialRecord trial, int attempt)
    {
        var runIds = _runIds(trial.Id);
        return new EvaluateTrial
        {
            ExperimentId = _settings.ExperimentId,
            TrialId = trial.Id,
            TrialNumber = trial.Number,
            Objective = _settings.Objective,
            Parameters = trial.Parameters.Json,
            RawValues = trial.Vals,
            Attempt = attempt,
            MaxAttempts = _settings.MaxAttempts,
            TrialDeadline = _time.GetUtcNow() + _trialTimeout,
            ExperimentDeadline = _settings.Deadline,
            RunId = runIds?.RunId,
            ParentRunId = runIds?.ParentRunId,
            TrackingUri = runIds is null ? null : _trackingUri,
        };
    }

    /// <summary>Why no slot will ever be granted again, or null when a refused slot is only a matter of time.</summary>
    /// <remarks>
    /// A passed deadline counts although the experiment is still marked running: the acquire refuses from the
    /// deadline on, and the loop ends the experiment only once this trial's start returns.
    /// </remarks>
    private async Task<string?> GetEndReasonAsync(CancellationToken cancellationToken)
    {
        var liveness = await _store.GetExperimentAsync(_settings.ExperimentId, cancellationToken);
        if (liveness.State == ExperimentState.Unknown)
        {
            // Lost with Redis's state: restored here or by the reaper meanwhile, unless the experiment was cancelled.
            await _dispatcher.RestoreIfLostAsync(cancellationToken);
            liveness = await _store.GetExperimentAsync(_settings.ExperimentId, cancellationToken);
        }

        if (liveness.State != ExperimentState.Running)
        {
            return liveness.EndReason ?? (liveness.State == ExperimentState.Unknown ? "the in-flight store lost it after it was cancelled" : "deadline passed");
        }

        return (liveness.Deadline ?? _settings.Deadline) is { } deadline && _time.GetUtcNow() >= deadline
            ? string.Create(CultureInfo.InvariantCulture, $"its deadline {deadline:O} passed")
            : null;
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
        await _dispatcher.CancelAsync(reason, cancellationToken);
        _ = AbandonAfterGraceAsync(reason);
    }

    private async Task AbandonAfterGraceAsync(string reason)
    {
        try
        {
            await Task.Delay(CancellationGrace, _time, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        foreach (var trial in await _dispatcher.AbandonInFlightAsync(CancellationToken.None))
        {
            _outcomes.Writer.TryWrite(new TrialOutcome(
                trial.TrialId, ObjectiveResult.Cancelled($"{reason}; no worker reported the trial within {CancellationGrace.TotalSeconds:0} s of the cancel")));
        }
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var completed in _dispatcher.Completions.ReadAllAsync(cancellationToken))
            {
                _outcomes.Writer.TryWrite(new TrialOutcome(completed.TrialId, ToResult(completed))
                {
                    Worker = completed.WorkerId.Length == 0 ? null : completed.WorkerId,
                    Attempts = completed.Attempt,
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static ObjectiveResult ToResult(TrialCompleted completed) => new ObjectiveResult
    {
        Status = completed.Status,
        Loss = completed.Loss,
        LossVariance = completed.LossVariance,
        TrueLoss = completed.TrueLoss,
        Attachments = completed.Attachments,
        Error = completed.Error,
    }.Normalize();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_pump is not null)
        {
            await _pump;
        }

        await _dispatcher.DisposeAsync();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "The in-flight store or the broker is unreachable; trial {TrialId} waits for it to be sent")]
        public static partial void StoreUnavailable(ILogger logger, Exception exception, Guid trialId);
    }
}
