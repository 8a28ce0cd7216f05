namespace HyperQueue.Tracking.Runs;

/// <summary>Lifecycle of a run, as MLflow's <c>RunStatus</c>; stored as the upper-case name (<c>RUNNING</c>).</summary>
public enum RunStatus
{
    Running,
    Finished,
    Failed,
    Killed,
}
