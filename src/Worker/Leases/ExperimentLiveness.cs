namespace HyperQueue.Worker.Leases;

/// <summary>What a worker checks before starting a trial: is the experiment still running, and until when.</summary>
/// <param name="State">Unknown (never created, deleted or expired), running or ended.</param>
/// <param name="Parallelism">The most trials in flight at once (SparkTrials' parallelism); 0 when unknown.</param>
/// <param name="Deadline">When no trial may run any more (fmin's timeout), if any.</param>
/// <param name="EndReason">Why the experiment ended, when it has.</param>
public sealed record ExperimentLiveness(ExperimentState State, int Parallelism, DateTimeOffset? Deadline, string? EndReason)
{
    /// <summary>The answer for an experiment the store does not know.</summary>
    public static ExperimentLiveness Unknown { get; } = new(ExperimentState.Unknown, 0, null, null);
}
