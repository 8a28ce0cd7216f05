namespace HyperQueue.Worker.Hosting;

/// <summary>
/// How a worker serves trials: its identity, how many trials it runs at once (SparkTrials' executor slots) and
/// how it keeps its leases alive. Bound from <see cref="SectionName"/> and validated at start.
/// </summary>
public sealed class WorkerOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "HyperQueue:Worker";

    /// <summary>Names this worker in results, leases and the registry; defaults to host, process id and a random suffix.</summary>
    public string WorkerId { get; set; } =
        $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>Trials run at once per objective (the consumer's concurrent message limit); defaults to the processor count.</summary>
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>How long a trial's lease lasts without a heartbeat before the scheduler may reap and retry it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often running trials renew their lease and the worker renews its registration; less than <see cref="LeaseDuration"/>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a trial runs before the worker tells the scheduler it started (<c>TrialStarted</c>); a trial that
    /// ends sooner is answered by its <c>TrialCompleted</c> alone, which saves a third of the messages of short
    /// trials. Zero reports every start at once.
    /// </summary>
    public TimeSpan StartedNoticeDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Where objectives on this worker log their runs, when it differs from the scheduler's hint carried by each
    /// trial (for example the scheduler's <c>sqlite:</c> path is not reachable here); null keeps the hint.
    /// </summary>
    public string? TrackingUri { get; set; }
}
