namespace HyperQueue.Worker.Leases;

/// <summary>
/// The in-flight store of embedded mode (scheduler and workers in one process): the same rules as
/// <see cref="RedisInFlightStore"/>, with lease deadlines read from the injected <see cref="TimeProvider"/>.
/// Nothing expires on its own; <see cref="DeleteExperimentAsync"/> frees an experiment's memory.
/// </summary>
public sealed class InMemoryInFlightStore(TimeProvider timeProvider) : IInFlightStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Experiment> _experiments = [];
    private readonly Dictionary<(Guid Experiment, Guid Trial), long> _redeliveries = [];

    public Task CreateExperimentAsync(
        Guid experimentId, int parallelism, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        InFlightArguments.Parallelism(parallelism);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var experiment = _experiments.TryGetValue(experimentId, out var existing) ? existing : new Experiment();
            experiment.Parallelism = parallelism;
            experiment.Deadline = InFlightArguments.Deadline(deadline);
            experiment.EndReason = null;
            _experiments[experimentId] = experiment;
        }

        return Task.CompletedTask;
    }

    public Task<bool> RestoreExperimentAsync(
        Guid experimentId,
        int parallelism,
        DateTimeOffset? deadline,
        IReadOnlyCollection<Guid> inFlight,
        TimeSpan lease,
        CancellationToken cancellationToken)
    {
        InFlightArguments.Parallelism(parallelism);
        ArgumentNullException.ThrowIfNull(inFlight);
        var leaseMilliseconds = InFlightArguments.LeaseMilliseconds(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        lock (_gate)
        {
            if (_experiments.ContainsKey(experimentId))
            {
                return Task.FromResult(false);
            }

            var experiment = new Experiment { Parallelism = parallelism, Deadline = InFlightArguments.Deadline(deadline) };
            foreach (var trialId in inFlight)
            {
                experiment.InFlight[trialId] = now + leaseMilliseconds;
            }

            _experiments[experimentId] = experiment;
            return Task.FromResult(true);
        }
    }

    public Task<ExperimentLiveness> GetExperimentAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_experiments.TryGetValue(experimentId, out var experiment)
                ? new ExperimentLiveness(
                    experiment.EndReason is null ? ExperimentState.Running : ExperimentState.Ended,
                    experiment.Parallelism,
                    experiment.Deadline,
                    experiment.EndReason)
                : ExperimentLiveness.Unknown);
        }
    }

    public Task SetParallelismAsync(Guid experimentId, int parallelism, CancellationToken cancellationToken)
    {
        InFlightArguments.Parallelism(parallelism);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_experiments.TryGetValue(experimentId, out var experiment))
            {
                throw InFlightArguments.UnknownExperiment(experimentId);
            }

            experiment.Parallelism = parallelism;
        }

        return Task.CompletedTask;
    }

    public Task EndExperimentAsync(Guid experimentId, string reason, CancellationToken cancellationToken)
    {
        InFlightArguments.Reason(reason);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_experiments.TryGetValue(experimentId, out var experiment))
            {
                experiment.EndReason ??= reason;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> TryAcquireSlotAsync(
        Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var leaseMilliseconds = InFlightArguments.LeaseMilliseconds(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        lock (_gate)
        {
            if (!_experiments.TryGetValue(experimentId, out var experiment) || !experiment.IsRunningAt(now))
            {
                return Task.FromResult(false);
            }

            if (!experiment.InFlight.ContainsKey(trialId))
            {
                foreach (var lapsed in experiment.LapsedAt(now))
                {
                    experiment.InFlight.Remove(lapsed);
                    experiment.Lapsed.Add(lapsed);
                }

                if (experiment.InFlight.Count >= experiment.Parallelism)
                {
                    return Task.FromResult(false);
                }

                experiment.Lapsed.Remove(trialId);
            }

            experiment.InFlight[trialId] = now + leaseMilliseconds;
            return Task.FromResult(true);
        }
    }

    public Task<LeaseStatus> RenewLeaseAsync(
        Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var leaseMilliseconds = InFlightArguments.LeaseMilliseconds(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        lock (_gate)
        {
            if (!_experiments.TryGetValue(experimentId, out var experiment) || !experiment.IsRunningAt(now))
            {
                return Task.FromResult(LeaseStatus.Cancelled);
            }

            if (!experiment.InFlight.ContainsKey(trialId))
            {
                return Task.FromResult(LeaseStatus.Lost);
            }

            experiment.InFlight[trialId] = now + leaseMilliseconds;
            return Task.FromResult(LeaseStatus.Active);
        }
    }

    public Task<bool> ReleaseAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_experiments.TryGetValue(experimentId, out var experiment))
            {
                return Task.FromResult(false);
            }

            experiment.Lapsed.Remove(trialId);
            return Task.FromResult(experiment.InFlight.Remove(trialId));
        }
    }

    public Task<long> CountRedeliveryAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var count = _redeliveries.GetValueOrDefault((experimentId, trialId)) + 1;
            _redeliveries[(experimentId, trialId)] = count;
            return Task.FromResult(count);
        }
    }

    public Task<IReadOnlyList<Guid>> ReapExpiredAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        lock (_gate)
        {
            if (!_experiments.TryGetValue(experimentId, out var experiment))
            {
                return Task.FromResult<IReadOnlyList<Guid>>([]);
            }

            var reaped = experiment.LapsedAt(now);
            foreach (var trialId in reaped)
            {
                experiment.InFlight.Remove(trialId);
            }

            reaped.AddRange(experiment.Lapsed);
            experiment.Lapsed.Clear();
            return Task.FromResult<IReadOnlyList<Guid>>(reaped);
        }
    }

    public Task<IReadOnlyList<Guid>> GetInFlightAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_experiments.TryGetValue(experimentId, out var experiment))
            {
                return Task.FromResult<IReadOnlyList<Guid>>([]);
            }

            // The Redis sorted set orders by score, then by member text: the same order here.
            IReadOnlyList<Guid> trials =
            [
                .. experiment.InFlight
                    .OrderBy(entry => entry.Value)
                    .ThenBy(entry => entry.Key.ToString("D"), StringComparer.Ordinal)
                    .Select(entry => entry.Key),
            ];
            return Task.FromResult(trials);
        }
    }

    public Task DeleteExperimentAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _experiments.Remove(experimentId);
            foreach (var key in _redeliveries.Keys.Where(key => key.Experiment == experimentId).ToList())
            {
                _redeliveries.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Milliseconds since the Unix epoch, the resolution of the Redis store's server clock.</summary>
    private long Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>One experiment's state; guarded by the store's lock.</summary>
    private sealed class Experiment
    {
        public int Parallelism { get; set; }

        public DateTimeOffset? Deadline { get; set; }

        /// <summary>Null while running; the reason once ended.</summary>
        public string? EndReason { get; set; }

        /// <summary>Trial id to lease deadline in Unix milliseconds.</summary>
        public Dictionary<Guid, long> InFlight { get; } = [];

        /// <summary>Trials an acquire removed because their lease lapsed, until the reaper reports them.</summary>
        public HashSet<Guid> Lapsed { get; } = [];

        public bool IsRunningAt(long now) =>
            EndReason is null && (Deadline is not { } deadline || now < deadline.ToUnixTimeMilliseconds());

        public List<Guid> LapsedAt(long now) =>
            [.. InFlight.Where(entry => entry.Value <= now).Select(entry => entry.Key)];
    }
}
