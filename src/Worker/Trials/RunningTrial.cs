namespace HyperQueue.Worker.Trials;

/// <summary>
/// One trial running on this worker: the source of its objective's cancellation token and the first reason it was
/// cancelled for (deadline, <c>CancelExperiment</c>, <c>CancelTrial</c>, ended experiment, lost lease).
/// </summary>
internal sealed class RunningTrial : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly Action<RunningTrial> onDispose;
    private string? cancelReason;
    private ITimer? deadlineTimer;

    public RunningTrial(Guid experimentId, Guid trialId, Action<RunningTrial> onDispose)
    {
        ExperimentId = experimentId;
        TrialId = trialId;
        this.onDispose = onDispose;
    }

    public Guid ExperimentId { get; }

    public Guid TrialId { get; }

    public CancellationToken Token => cancellation.Token;

    /// <summary>Why the trial was cancelled; null while it may run on.</summary>
    public string? CancelReason => Volatile.Read(ref cancelReason);

    /// <summary>True when the scheduler reaped the trial's lease: another attempt owns it, so this one stays silent.</summary>
    public bool LeaseLost { get; private set; }

    /// <summary>True when this worker gave the trial up (shutdown): its lease lapses and the scheduler retries it.</summary>
    public bool Abandoned { get; private set; }

    /// <summary>Whether the outcome goes to the scheduler; a lost or abandoned trial belongs to its next attempt.</summary>
    public bool ShouldAnswer => !LeaseLost && !Abandoned;

    /// <summary>Cancels the objective; the first reason wins.</summary>
    public void Cancel(string reason)
    {
        if (Interlocked.CompareExchange(ref cancelReason, reason, null) is null)
        {
            cancellation.Cancel();
        }
    }

    public void LoseLease()
    {
        LeaseLost = true;
        Cancel("the trial's lease was lost (reaped by the scheduler); another attempt runs it");
    }

    public void Abandon()
    {
        Abandoned = true;
        Cancel("the worker is shutting down; the trial's lease lapses and the scheduler retries it");
    }

    /// <summary>Cancels the trial when the earliest of its deadlines passes.</summary>
    public void CancelAt(DateTimeOffset deadline, string reason, TimeProvider timeProvider)
    {
        var delay = deadline - timeProvider.GetUtcNow();
        if (delay <= TimeSpan.Zero)
        {
            Cancel(reason);
            return;
        }

        deadlineTimer = timeProvider.CreateTimer(_ => Cancel(reason), null, delay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        onDispose(this);
        deadlineTimer?.Dispose();
        cancellation.Dispose();
    }
}
