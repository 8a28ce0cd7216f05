using System.Collections.Concurrent;
using System.Threading.Channels;
using HyperQueue.Contracts;
using HyperQueue.Worker.Leases;
using MassTransit;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HyperQueue.Scheduler.Dispatch;

/// <summary>
/// The scheduler's side of one distributed experiment: takes a Redis slot before each send, sends
/// <see cref="EvaluateTrial"/> to the objective's queue with the experiment's durable results queue as response
/// address, records each trial's first completion only, re-sends a trial whose lease expired (up to
/// <see cref="DispatchSettings.MaxAttempts"/>), and cancels everything in flight through <see cref="CancelExperiment"/>.
/// </summary>
/// <remarks>
/// Two rules keep a trial's slot, one per stage, so that waiting is never mistaken for dying. A trial waiting in the
/// evaluate queue holds the slot for <see cref="DispatchSettings.QueueTimeout"/> from its send: workers busy with
/// longer trials (of this or another experiment on the same queue) are normal, and sending it again would only put a
/// second copy behind the first. The worker that starts it replaces that lease with its own short one and renews it
/// by heartbeat, so a started trial whose worker dies or loses its connection lapses within the worker's lease.
/// Both rules live in the lease's deadline in Redis, so they hold across a scheduler restart; a resumed scheduler
/// only shortens the leases it takes over to <see cref="DispatchSettings.ResumeGrace"/> (see <see cref="ReattachAsync"/>).
/// </remarks>
internal sealed partial class TrialDispatcher : IAsyncDisposable
{
    private readonly IBus _bus;
    private readonly IReceiveEndpointConnector _connector;
    private readonly IInFlightStore _store;
    private readonly DispatchSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Guid, EvaluateTrial> _inFlight = new();
    private readonly HashSet<Guid> _awaitingRetry = [];
    private readonly HashSet<Guid> _unsent = [];
    private readonly ConcurrentDictionary<Guid, TrialStarted> _started = new();
    /// <summary>When each trial in flight took its queue lease here, to tell a worker's lapsed lease from the queue timeout.</summary>
    private readonly ConcurrentDictionary<Guid, long> _queuedAt = new();
    private readonly ConcurrentDictionary<Guid, byte> _releasesPending = new();
    private readonly Channel<TrialCompleted> _completions = Channel.CreateUnbounded<TrialCompleted>();
    private readonly CancellationTokenSource _stopping = new();
    private HostReceiveEndpointHandle? _resultsEndpoint;
    private ISendEndpoint? _evaluateEndpoint;
    private Action<SendContext<EvaluateTrial>> _setResponseAddress = _ => { };
    private Task _reaper = Task.CompletedTask;
    private volatile bool _cancelled;

    public TrialDispatcher(
        IBus bus, IReceiveEndpointConnector connector, IInFlightStore store, DispatchSettings settings, TimeProvider time, ILogger logger)
    {
        _bus = bus;
        _connector = connector;
        _store = store;
        _settings = settings;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised when a worker reports that it started a trial.</summary>
    public event Action<TrialStarted>? Started;

    /// <summary>Every trial's first completion, in arrival order; its slot is already released.</summary>
    public ChannelReader<TrialCompleted> Completions => _completions.Reader;

    public int InFlightCount => _inFlight.Count;

    public IReadOnlyCollection<Guid> InFlight => _inFlight.Keys.ToArray();

    /// <summary>Registers the experiment in Redis, connects its results queue and starts the lease reaper.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => StartAsync([], cancellationToken);

    /// <summary>
    /// Starts as <see cref="StartAsync(CancellationToken)"/> after taking over <paramref name="reattached"/>: trials
    /// an earlier scheduler of this experiment sent (or was about to send) and never recorded. Each is in flight
    /// before the results queue connects, so a result that waited there while no scheduler ran is taken as the
    /// trial's completion instead of being ignored as a duplicate.
    /// </summary>
    public async Task StartAsync(IReadOnlyCollection<EvaluateTrial> reattached, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reattached);
        await _store.CreateExperimentAsync(_settings.ExperimentId, _settings.Parallelism, _settings.Deadline, cancellationToken);
        if (reattached.Count > 0)
        {
            await ReattachAsync(reattached, cancellationToken);
        }

        _resultsEndpoint = _connector.ConnectReceiveEndpoint(_settings.ResultsQueue, (_, endpoint) =>
        {
            // Workers respond to this queue by address. Bound to the TrialCompleted/TrialStarted exchanges, every
            // experiment's queue (kept a day after its scheduler stops) would get a copy of any such publish.
            endpoint.ConfigureConsumeTopology = false;
            // Two answers per trial in flight (started, completed) may wait at once; a completion's handler awaits a
            // Redis release, so handling them side by side keeps the slots refilling at high parallelism.
            endpoint.PrefetchCount = Math.Max(16, 2 * _settings.Parallelism);
            if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            {
                // Durable and not auto-deleted so that results sent while the scheduler is down wait for --resume;
                // x-expires removes the queue once nobody has used it for a while.
                rabbit.Durable = true;
                rabbit.AutoDelete = false;
                rabbit.SetQueueArgument("x-expires", (long)_settings.ResultsQueueExpiry.TotalMilliseconds);
            }

            endpoint.Handler<TrialStarted>(context =>
            {
                OnStarted(context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<TrialCompleted>(context => OnCompletedAsync(context.Message));
        });
        var ready = await _resultsEndpoint.Ready.WaitAsync(cancellationToken);
        var resultsAddress = ready.InputAddress;
        _setResponseAddress = context => context.ResponseAddress = resultsAddress;
        _reaper = ReapLoopAsync(_stopping.Token);
    }

    /// <summary>
    /// Takes over trials before the results queue connects and the reaper runs.
    /// </summary>
    /// <remarks>
    /// A trial that holds a slot in Redis gets a lease of <see cref="DispatchSettings.ResumeGrace"/>: its result may
    /// wait in the results queue, or a worker may run it (its next heartbeat takes the lease back), or it may wait
    /// in the evaluate queue; but the scheduler that died may also have taken its slot and never sent it, and its
    /// queue timeout would then hold the slot for nothing. What does not show it is alive within the grace is reaped
    /// and sent again as a new attempt (a copy still queued is answered once: the first completion wins).
    /// A trial that holds no slot was never sent (the scheduler died between recording and sending it), or its slot
    /// was freed by a completion the dead scheduler received but never recorded: it is sent again, with the same
    /// attempt, on the reaper's first tick, which leaves the results queue time to deliver what waited in it first.
    /// </remarks>
    private async Task ReattachAsync(IReadOnlyCollection<EvaluateTrial> reattached, CancellationToken cancellationToken)
    {
        foreach (var trial in reattached)
        {
            if (trial.ExperimentId != _settings.ExperimentId)
            {
                throw new ArgumentException(
                    $"reattached trial {trial.TrialId} belongs to experiment {trial.ExperimentId}, not {_settings.ExperimentId}", nameof(reattached));
            }

            _inFlight[trial.TrialId] = trial;
            // One renewal both asks whether the trial holds a slot and starts its grace.
            if (await _store.RenewLeaseAsync(_settings.ExperimentId, trial.TrialId, _settings.ResumeGrace, cancellationToken) != LeaseStatus.Active)
            {
                _unsent.Add(trial.TrialId);
                _awaitingRetry.Add(trial.TrialId);
            }
        }

        Log.Reattached(_logger, reattached.Count, _settings.ExperimentId, reattached.Count - _unsent.Count, _unsent.Count);
    }

    /// <summary>Changes the number of slots (for example when fewer evaluations remain).</summary>
    public Task SetParallelismAsync(int parallelism, CancellationToken cancellationToken) =>
        _store.SetParallelismAsync(_settings.ExperimentId, parallelism, cancellationToken);

    /// <summary>
    /// Takes a slot and sends the trial; false when all slots are taken or the experiment has ended, in which case
    /// nothing was sent.
    /// </summary>
    public async Task<bool> TryDispatchAsync(EvaluateTrial trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var queuedAt = _time.GetTimestamp();
        if (!await _store.TryAcquireSlotAsync(_settings.ExperimentId, trial.TrialId, _settings.QueueTimeout, cancellationToken))
        {
            return false;
        }

        _queuedAt[trial.TrialId] = queuedAt;
        _inFlight[trial.TrialId] = trial;
        try
        {
            await SendAsync(trial, cancellationToken);
        }
        catch
        {
            _inFlight.TryRemove(trial.TrialId, out _);
            _queuedAt.TryRemove(trial.TrialId, out _);
            await _store.ReleaseAsync(_settings.ExperimentId, trial.TrialId, CancellationToken.None);
            throw;
        }

        return true;
    }

    /// <summary>
    /// Ends the experiment in Redis (workers drop its queued messages and refuse to start them) and publishes
    /// <see cref="CancelExperiment"/> so that every worker cancels the ones it is running.
    /// </summary>
    public async Task CancelAsync(string reason, CancellationToken cancellationToken)
    {
        _cancelled = true;
        await _store.EndExperimentAsync(_settings.ExperimentId, reason, cancellationToken);
        await _bus.Publish(new CancelExperiment { ExperimentId = _settings.ExperimentId, Reason = reason }, cancellationToken);
    }

    /// <summary>
    /// Forgets trials that will never report (the experiment was cancelled and the grace period is over): releases
    /// their slots and returns their ids so the caller records them as cancelled.
    /// </summary>
    public async Task<IReadOnlyList<EvaluateTrial>> AbandonInFlightAsync(CancellationToken cancellationToken)
    {
        var abandoned = new List<EvaluateTrial>();
        foreach (var trialId in _inFlight.Keys)
        {
            if (_inFlight.TryRemove(trialId, out var trial))
            {
                _started.TryRemove(trialId, out _);
                _queuedAt.TryRemove(trialId, out _);
                abandoned.Add(trial);
                try
                {
                    await _store.ReleaseAsync(_settings.ExperimentId, trialId, cancellationToken);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                    // The experiment has ended, so its slots matter no more and its keys expire; the trial must
                    // still be reported, or fmin would wait for it forever.
                    Log.AbandonReleaseFailed(_logger, ex, trialId);
                }
            }
        }

        return abandoned;
    }

    /// <summary>
    /// Puts the experiment back into the in-flight store when the store lost it (Redis restarted without
    /// persistence): running, with its parallelism and deadline, and a fresh lease for every trial this dispatcher
    /// has in flight, so workers' heartbeats find their trials again and the slots count what really runs.
    /// True when it restored the experiment; false when the store knew it or the experiment was cancelled.
    /// </summary>
    public async Task<bool> RestoreIfLostAsync(CancellationToken cancellationToken)
    {
        if (_cancelled || (await _store.GetExperimentAsync(_settings.ExperimentId, cancellationToken)).State != ExperimentState.Unknown)
        {
            return false;
        }

        var inFlight = _inFlight.Keys.ToArray();
        // The queue timeout, not a worker's lease: some of these may still wait in the evaluate queue, and a running
        // one's worker replaces the lease with its own on its next heartbeat (a dead worker's message is redelivered).
        if (!await _store.RestoreExperimentAsync(
            _settings.ExperimentId, _settings.Parallelism, _settings.Deadline, inFlight, _settings.QueueTimeout, cancellationToken))
        {
            return false;
        }

        // A trial that completed while this ran had its slot released before the restore gave it one back.
        foreach (var trialId in inFlight.Where(trialId => !_inFlight.ContainsKey(trialId)))
        {
            await _store.ReleaseAsync(_settings.ExperimentId, trialId, cancellationToken);
        }

        Log.ExperimentRestored(_logger, _settings.ExperimentId, inFlight.Length);
        return true;
    }

    private async Task SendAsync(EvaluateTrial trial, CancellationToken cancellationToken)
    {
        // One lookup per experiment, not per trial: the endpoint is cached by the bus anyway, but the lookup
        // still builds a URI and a cache key each time.
        var endpoint = _evaluateEndpoint ??= await _bus.GetSendEndpoint(new Uri($"queue:{_settings.EvaluateQueue}"));
        await endpoint.Send(trial, _setResponseAddress, cancellationToken);
    }

    private void OnStarted(TrialStarted started)
    {
        if (started.ExperimentId == _settings.ExperimentId && _inFlight.ContainsKey(started.TrialId))
        {
            _started[started.TrialId] = started;
        }

        Started?.Invoke(started);
    }

    private async Task OnCompletedAsync(TrialCompleted completed)
    {
        if (completed.ExperimentId != _settings.ExperimentId || !_inFlight.TryRemove(completed.TrialId, out _))
        {
            // A later completion of a trial already recorded (broker redelivery, lease retry): first one wins.
            Log.DuplicateCompletionIgnored(_logger, completed.TrialId, completed.Attempt);
            return;
        }

        _started.TryRemove(completed.TrialId, out _);
        _queuedAt.TryRemove(completed.TrialId, out _);
        // From here on the trial is recorded as completed, so nothing may stop its result reaching fmin: not the
        // consume context's token (cancelled when the broker connection drops, and a redelivery of this message is
        // then ignored as a duplicate) and not a Redis outage (the slot is freed from the reaper's loop instead).
        try
        {
            await _store.ReleaseAsync(_settings.ExperimentId, completed.TrialId, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Log.ReleaseDeferred(_logger, ex, completed.TrialId);
            _releasesPending.TryAdd(completed.TrialId, 0);
        }

        _completions.Writer.TryWrite(completed);
    }

    private async Task ReapLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_settings.ReapInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await RestoreIfLostAsync(cancellationToken);
                    await ReleasePendingAsync(cancellationToken);
                    await ReapOnceAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Redis or the broker may be briefly away; the next tick tries again.
                    Log.ReapFailed(_logger, ex, _settings.ExperimentId);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReleasePendingAsync(CancellationToken cancellationToken)
    {
        foreach (var trialId in _releasesPending.Keys)
        {
            await _store.ReleaseAsync(_settings.ExperimentId, trialId, cancellationToken);
            _releasesPending.TryRemove(trialId, out _);
        }
    }

    /// <summary>
    /// Re-sends trials whose lease expired, or fails them once they used all their attempts; sends the reattached
    /// trials that held no slot.
    /// </summary>
    /// <remarks>
    /// A trial with attempts left whose slot was meanwhile taken by a new trial (an acquire frees lapsed slots
    /// itself) waits in <see cref="_awaitingRetry"/> for a later tick; only the reaper touches that set and
    /// <see cref="_unsent"/> once it runs.
    /// </remarks>
    internal async Task ReapOnceAsync(CancellationToken cancellationToken)
    {
        _awaitingRetry.UnionWith(await _store.ReapExpiredAsync(_settings.ExperimentId, cancellationToken));
        foreach (var trialId in _awaitingRetry.ToArray())
        {
            if (!_inFlight.TryGetValue(trialId, out var trial))
            {
                _awaitingRetry.Remove(trialId);
                _unsent.Remove(trialId);
                continue;
            }

            var unsent = _unsent.Contains(trialId);
            if (unsent || trial.Attempt < _settings.MaxAttempts)
            {
                var queuedAt = _time.GetTimestamp();
                if (await _store.TryAcquireSlotAsync(_settings.ExperimentId, trialId, _settings.QueueTimeout, cancellationToken))
                {
                    _awaitingRetry.Remove(trialId);
                    _unsent.Remove(trialId);
                    _started.TryRemove(trialId, out _);
                    var next = unsent ? trial : trial with { Attempt = trial.Attempt + 1 };
                    // A late completion of the expired attempt may have been recorded since the lookup above: then the
                    // trial is done, and writing it back would keep it in flight forever with a slot nobody frees.
                    if (!_inFlight.TryUpdate(trialId, next, trial))
                    {
                        await _store.ReleaseAsync(_settings.ExperimentId, trialId, cancellationToken);
                        continue;
                    }

                    _queuedAt[trialId] = queuedAt;

                    if (unsent)
                    {
                        Log.ReattachedTrialSent(_logger, trialId, next.Attempt);
                    }
                    else
                    {
                        Log.LeaseExpiredRetrying(_logger, trialId, next.Attempt, _settings.MaxAttempts);
                    }

                    await SendAsync(next, cancellationToken);
                }

                continue;
            }

            _awaitingRetry.Remove(trialId);

            if (_inFlight.TryRemove(trialId, out _))
            {
                Log.LeaseExpiredFailing(_logger, trialId, trial.Attempt);
                await _completions.Writer.WriteAsync(
                    new TrialCompleted
                    {
                        ExperimentId = _settings.ExperimentId,
                        TrialId = trialId,
                        Status = TrialStatus.Fail,
                        Error = new TrialError("lease_expired", LeaseExpiredReason(trial)),
                        Duration = TimeSpan.Zero,
                        WorkerId = "",
                        Attempt = trial.Attempt,
                    },
                    cancellationToken);
            }
        }
    }

    /// <summary>
    /// Why a trial's last attempt lapsed. A worker that starts a trial replaces its queue lease with its own short
    /// one, so a lease that lapsed before the queue timeout means a worker took the trial and stopped renewing, even
    /// when the trial ended before the worker's <c>TrialStarted</c> notice was due.
    /// </summary>
    private string LeaseExpiredReason(EvaluateTrial trial)
    {
        var attempt = $"attempt {trial.Attempt} of {_settings.MaxAttempts}";
        _queuedAt.TryRemove(trial.TrialId, out var queuedAt);
        if (_started.TryRemove(trial.TrialId, out var started) && started.Attempt == trial.Attempt)
        {
            return $"worker '{started.WorkerId}' started {attempt} and stopped renewing its lease; the worker died or lost its connection";
        }

        return queuedAt != 0 && _time.GetElapsedTime(queuedAt) < _settings.QueueTimeout
            ? $"a worker started {attempt} and stopped renewing its lease before reporting it; the worker died or lost its connection"
            : $"no worker started {attempt} within the queue timeout of {_settings.QueueTimeout.TotalSeconds:0.#} s";
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _reaper;
        if (_resultsEndpoint is not null)
        {
            await _resultsEndpoint.StopAsync(CancellationToken.None);
        }

        _completions.Writer.TryComplete();
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored a later completion of trial {TrialId} (attempt {Attempt}): the first one was recorded")]
        public static partial void DuplicateCompletionIgnored(ILogger logger, Guid trialId, int attempt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of trial {TrialId} expired; sending attempt {Attempt} of {MaxAttempts}")]
        public static partial void LeaseExpiredRetrying(ILogger logger, Guid trialId, int attempt, int maxAttempts);

        [LoggerMessage(Level = LogLevel.Error, Message = "Lease of trial {TrialId} expired on its last attempt ({Attempt}); recording it as failed")]
        public static partial void LeaseExpiredFailing(ILogger logger, Guid trialId, int attempt);

        [LoggerMessage(Level = LogLevel.Information, Message = "Took over {Count} unfinished trials of experiment {ExperimentId}: {Holding} hold a slot and wait, {Unsent} hold none and are sent again")]
        public static partial void Reattached(ILogger logger, int count, Guid experimentId, int holding, int unsent);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Reattached trial {TrialId} held no slot; sending attempt {Attempt} again")]
        public static partial void ReattachedTrialSent(ILogger logger, Guid trialId, int attempt);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not free the slot of abandoned trial {TrialId}; it expires with the experiment's keys")]
        public static partial void AbandonReleaseFailed(ILogger logger, Exception exception, Guid trialId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "The in-flight store had lost experiment {ExperimentId}; restored it with its {InFlight} trials in flight")]
        public static partial void ExperimentRestored(ILogger logger, Guid experimentId, int inFlight);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Could not free the slot of completed trial {TrialId}; the result is recorded and the slot is freed on a later tick")]
        public static partial void ReleaseDeferred(ILogger logger, Exception exception, Guid trialId);

        [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for expired leases of experiment {ExperimentId} failed; retrying on the next tick")]
        public static partial void ReapFailed(ILogger logger, Exception exception, Guid experimentId);
    }
}
