namespace HyperQueue.Scheduler.Dispatch;

/// <summary>Tuning of <see cref="QueueTrials"/> beyond SparkTrials' arguments; the defaults suit most experiments.</summary>
public sealed record QueueTrialsOptions
{
    /// <summary>How long a trial keeps its slot without a worker heartbeat (workers renew every 10 s by default).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Sends of a trial whose lease expired before it is failed; objective exceptions are never retried.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>How often expired leases are looked for.</summary>
    public TimeSpan ReapInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long to wait for a live worker serving the objective before failing with what the workers serve.</summary>
    public TimeSpan WorkerWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an unused results queue outlives its scheduler, so results sent while it was down wait for a resume.</summary>
    public TimeSpan ResultsQueueExpiry { get; init; } = TimeSpan.FromDays(1);

    internal void Validate()
    {
        if (Lease <= TimeSpan.Zero || MaxAttempts < 1 || ReapInterval <= TimeSpan.Zero || WorkerWait < TimeSpan.Zero || ResultsQueueExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentException(
                $"QueueTrialsOptions: Lease ({Lease}), ReapInterval ({ReapInterval}) and ResultsQueueExpiry ({ResultsQueueExpiry}) must be positive, MaxAttempts ({MaxAttempts}) at least 1, WorkerWait ({WorkerWait}) not negative");
        }
    }
}
