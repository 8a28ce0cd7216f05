namespace HyperQueue.Tracking.Trials;

/// <summary>Where a trial is in its life, as hyperopt's <c>JOB_STATE_*</c> constants.</summary>
public enum TrialState
{
    /// <summary>Proposed and dispatched, not yet picked up (hyperopt's <c>JOB_STATE_NEW</c>).</summary>
    New,

    /// <summary>A worker evaluates it (<c>JOB_STATE_RUNNING</c>).</summary>
    Running,

    /// <summary>Completed with a result, ok or fail (<c>JOB_STATE_DONE</c>).</summary>
    Done,

    /// <summary>Ended without a result, e.g. attempts exhausted (<c>JOB_STATE_ERROR</c>).</summary>
    Error,

    /// <summary>Cancelled by a timeout or a cancel request (<c>JOB_STATE_CANCEL</c>).</summary>
    Cancelled,
}
