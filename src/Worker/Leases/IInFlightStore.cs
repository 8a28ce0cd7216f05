namespace HyperQueue.Worker.Leases;

/// <summary>
/// What is in flight for each experiment and whether the experiment is still live: the counterpart of the slot
/// bookkeeping SparkTrials keeps in its driver, shared here by the scheduler and every worker. The scheduler takes
/// a slot per trial before sending it (never more than the experiment's parallelism), workers renew the trial's
/// lease while it runs, and the scheduler reaps leases that lapsed (a dead worker) to retry those trials.
/// </summary>
/// <remarks>
/// An experiment whose deadline has passed is treated as ended by <see cref="TryAcquireSlotAsync"/> and
/// <see cref="RenewLeaseAsync"/>, even before the scheduler calls <see cref="EndExperimentAsync"/>.
/// </remarks>
public interface IInFlightStore
{
    /// <summary>
    /// Marks the experiment running with this parallelism and deadline. Calling it again for a known experiment
    /// (resume) makes it running again with the new values and keeps its in-flight trials.
    /// </summary>
    Task CreateExperimentAsync(Guid experimentId, int parallelism, DateTimeOffset? deadline, CancellationToken cancellationToken);

    /// <summary>
    /// Puts back an experiment the store lost (Redis restarted without persistence) from what its scheduler knows:
    /// when the store does not know the experiment, marks it running with this parallelism and deadline and gives
    /// each of <paramref name="inFlight"/> a slot with a lease of the given length, in one atomic step, so no
    /// worker's heartbeat sees the experiment without its trial. Returns false and changes nothing when the store
    /// knows the experiment (running or ended).
    /// </summary>
    Task<bool> RestoreExperimentAsync(
        Guid experimentId,
        int parallelism,
        DateTimeOffset? deadline,
        IReadOnlyCollection<Guid> inFlight,
        TimeSpan lease,
        CancellationToken cancellationToken);

    /// <summary>The experiment's state, parallelism, deadline and end reason; <see cref="ExperimentState.Unknown"/> when absent.</summary>
    Task<ExperimentLiveness> GetExperimentAsync(Guid experimentId, CancellationToken cancellationToken);

    /// <summary>Changes the parallelism of a known experiment; trials already in flight above a lower limit keep their slots.</summary>
    /// <exception cref="InvalidOperationException">The experiment is not known.</exception>
    Task SetParallelismAsync(Guid experimentId, int parallelism, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the experiment: no slot is granted any more and every renewal answers <see cref="LeaseStatus.Cancelled"/>.
    /// The first reason is kept when it is called again; an unknown experiment is left as it is.
    /// </summary>
    Task EndExperimentAsync(Guid experimentId, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically takes a slot for the trial with a lease of the given length. True when granted or when the trial
    /// already holds a slot (its lease is renewed); false when the experiment is not running, its deadline has
    /// passed, or the in-flight count has reached the parallelism. Lapsed leases of the experiment are set aside
    /// first (they free their slots and are reported by the next <see cref="ReapExpiredAsync"/>).
    /// </summary>
    Task<bool> TryAcquireSlotAsync(Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// A worker's heartbeat: extends the trial's lease to now + <paramref name="lease"/>. <see cref="LeaseStatus.Lost"/>
    /// when the trial is no longer in flight (reaped or released), <see cref="LeaseStatus.Cancelled"/> when the
    /// experiment ended, passed its deadline or is unknown.
    /// </summary>
    Task<LeaseStatus> RenewLeaseAsync(Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Frees the trial's slot; true if it held one. A released trial is never reported by the reaper.</summary>
    Task<bool> ReleaseAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one more redelivery of the trial's message (the broker gave it out again because the worker holding it
    /// was lost, usually mid-trial) and returns how many there have been. Kept with the experiment's keys.
    /// </summary>
    Task<long> CountRedeliveryAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken);

    /// <summary>Removes and returns the trials whose lease deadline has passed (including those set aside by an acquire), in no particular order.</summary>
    Task<IReadOnlyList<Guid>> ReapExpiredAsync(Guid experimentId, CancellationToken cancellationToken);

    /// <summary>The trials holding a slot, earliest lease deadline first; lapsed leases count until they are reaped.</summary>
    Task<IReadOnlyList<Guid>> GetInFlightAsync(Guid experimentId, CancellationToken cancellationToken);

    /// <summary>Removes everything the store keeps for the experiment; afterwards it is <see cref="ExperimentState.Unknown"/>.</summary>
    Task DeleteExperimentAsync(Guid experimentId, CancellationToken cancellationToken);
}
