namespace HyperQueue.Scheduler.Optimization;

/// <summary>Where a trial is in its life, like hyperopt's <c>JOB_STATE_RUNNING</c> / <c>JOB_STATE_DONE</c>.</summary>
public enum TrialState
{
    /// <summary>Dispatched to the objective and not finished yet.</summary>
    Running,

    /// <summary>Finished with a status (ok, fail or cancelled).</summary>
    Completed,
}
