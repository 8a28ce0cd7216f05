namespace HyperQueue.Worker.Leases;

/// <summary>The life of an experiment as the in-flight store sees it.</summary>
public enum ExperimentState
{
    /// <summary>Never created, deleted, or expired after its retention.</summary>
    Unknown,

    /// <summary>Slots may be taken while the deadline has not passed.</summary>
    Running,

    /// <summary>Ended by the scheduler (timeout, early stop, loss threshold, done): running trials must be cancelled.</summary>
    Ended,
}
