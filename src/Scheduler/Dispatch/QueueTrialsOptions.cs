using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Dispatch;

/// <summary>Tuning of <see cref="QueueTrials"/> beyond SparkTrials' arguments; the defaults suit most experiments.</summary>
public sealed record QueueTrialsOptions
{
    /// <summary>
    /// How long a sent trial may wait in the evaluate queue for a worker to start it before it is sent again (an
    /// attempt). Once a worker starts it, the worker's lease (<c>WorkerOptions.LeaseDuration</c>, renewed by heartbeat)
    /// decides instead, so a long wait behind other trials is never taken for a dead worker.
    /// </summary>
    public TimeSpan QueueTimeout { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Sends of a trial whose lease expired (queue timeout, or its worker stopped heartbeating) before it is failed;
    /// objective exceptions are never retried.
    /// </summary>
    public int MaxAttempts { get; init; } = EvaluateTrial.DefaultMaxAttempts;

    /// <summary>How often expired leases are looked for.</summary>
    public TimeSpan ReapInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a live worker serving the objective before failing with what the workers serve.</summary>
    public TimeSpan WorkerWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unused results queue outlives its scheduler, so results sent while it was down wait for a resume.</summary>
    public TimeSpan ResultsQueueExpiry { get; init; } = TimeSpan.FromDays(1);

    /// <summary>
    /// After a resume, how long a trial that still holds a slot has to show it is alive (its result in the results
    /// queue, or a heartbeat of the worker running it) before it is sent again: the scheduler that died may have
    /// taken its slot without sending it. At least the workers' lease (<c>WorkerOptions.LeaseDuration</c>, 30 s).
    /// </summary>
    public TimeSpan ResumeGrace { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate()
    {
        if (ResumeGrace <= TimeSpan.Zero || QueueTimeout <= TimeSpan.Zero || MaxAttempts < 1 || ReapInterval <= TimeSpan.Zero || WorkerWait < TimeSpan.Zero || ResultsQueueExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"QueueTrialsOptions: QueueTimeout ({QueueTimeout}), ReapInterval ({ReapInterval}), ResultsQueueExpiry ({ResultsQueueExpiry}) and ResumeGrace ({ResumeGrace}) must be positive, MaxAttempts ({MaxAttempts}) at least 1, WorkerWait ({WorkerWait}) not negative");
        }
    }
}
