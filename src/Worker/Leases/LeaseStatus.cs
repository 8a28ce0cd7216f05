namespace HyperQueue.Worker.Leases;

/// <summary>The answer to a worker's lease renewal (heartbeat).</summary>
public enum LeaseStatus
{
    /// <summary>The lease was extended: keep running.</summary>
    Active,

    /// <summary>The trial is no longer in flight (reaped after its lease lapsed, or released): another attempt may run it.</summary>
    Lost,

    /// <summary>The experiment ended or passed its deadline: cancel the trial.</summary>
    Cancelled,
}
