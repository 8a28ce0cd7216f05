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
    private readonly ConcurrentDictionary<Guid, byte> _releasesPending = new();
    private readonly Channel<TrialCompleted> _completions = Channel.CreateUnbounded<TrialCompleted>();
    private readonly CancellationTokenSource _stopping = new();
    private HostReceiveEndpointHandle? _resultsEndpoint;
    private Uri? _resultsAddress;
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
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _store.CreateExperimentAsync(_settings.ExperimentId, _settings.Parallelism, _settings.Deadline, cancellationToken);
        _resultsEndpoint = _connector.ConnectReceiveEndpoint(_settings.ResultsQueue, (_, endpoint) =>
        {
            // Workers respond to this queue by address. Bound to the TrialCompleted/TrialStarted exchanges, every
            // experiment's queue (kept a day after its scheduler stops) would get a copy of any such publish.
            endpoint.ConfigureConsumeTopology = false;
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
                Started?.Invoke(context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<TrialCompleted>(context => OnCompletedAsync(context.Message));
        });
        var ready = await _resultsEndpoint.Ready.WaitAsync(cancellationToken);
        _resultsAddress = ready.InputAddress;
        _reaper = ReapLoopAsync(_stopping.Token);
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
        if (!await _store.TryAcquireSlotAsync(_settings.ExperimentId, trial.TrialId, _settings.Lease, cancellationToken))
        {
            return false;
        }

        _inFlight[trial.TrialId] = trial;
        try
        {
            await SendAsync(trial, cancellationToken);
        }
        catch
        {
            _inFlight.TryRemove(trial.TrialId, out _);
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
        if (!await _store.RestoreExperimentAsync(
            _settings.ExperimentId, _settings.Parallelism, _settings.Deadline, inFlight, _settings.Lease, cancellationToken))
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
        var endpoint = await _bus.GetSendEndpoint(new Uri($"queue:{_settings.EvaluateQueue}"));
        await endpoint.Send(trial, context => context.ResponseAddress = _resultsAddress, cancellationToken);
    }

    private async Task OnCompletedAsync(TrialCompleted completed)
    {
        if (completed.ExperimentId != _settings.ExperimentId || !_inFlight.TryRemove(completed.TrialId, out _))
        {
            // A later completion of a trial already recorded (broker redelivery, lease retry): first one wins.
            Log.DuplicateCompletionIgnored(_logger, completed.TrialId, completed.Attempt);
            return;
        }

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

    /// <summary>Re-sends trials whose lease expired, or fails them once they used all their attempts.</summary>
    /// <remarks>
    /// A reaped trial with attempts left whose slot was meanwhile taken by a new trial (an acquire frees lapsed
    /// slots itself) waits in <see cref="_awaitingRetry"/> for a later tick; only the reaper touches that set.
    /// </remarks>
    internal async Task ReapOnceAsync(CancellationToken cancellationToken)
    {
        _awaitingRetry.UnionWith(await _store.ReapExpiredAsync(_settings.ExperimentId, cancellationToken));
        foreach (var trialId in _awaitingRetry.ToArray())
        {
            if (!_inFlight.TryGetValue(trialId, out var trial))
            {
                _awaitingRetry.Remove(trialId);
                continue;
            }

            if (trial.Attempt < _settings.MaxAttempts)
            {
                if (await _store.TryAcquireSlotAsync(_settings.ExperimentId, trialId, _settings.Lease, cancellationToken))
                {
                    _awaitingRetry.Remove(trialId);
                    var retry = trial with { Attempt = trial.Attempt + 1 };
                    // A late completion of the expired attempt may have been recorded since the lookup above: then the
                    // trial is done, and writing it back would keep it in flight forever with a slot nobody frees.
                    if (!_inFlight.TryUpdate(trialId, retry, trial))
                    {
                        await _store.ReleaseAsync(_settings.ExperimentId, trialId, cancellationToken);
                        continue;
                    }

                    Log.LeaseExpiredRetrying(_logger, trialId, retry.Attempt, _settings.MaxAttempts);
                    await SendAsync(retry, cancellationToken);
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
                        Error = new TrialError(
                            "lease_expired",
                            $"no worker heartbeat within {_settings.Lease.TotalSeconds:0.#} s on attempt {trial.Attempt} of {_settings.MaxAttempts}; the worker died or lost its connection"),
                        Duration = TimeSpan.Zero,
                        WorkerId = "",
                        Attempt = trial.Attempt,
                    },
                    cancellationToken);
            }
        }
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
