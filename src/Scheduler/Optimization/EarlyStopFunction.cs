namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Like hyperopt's <c>early_stop_fn</c>: called after every trial completion with the completed trials of the
/// store in completion order (never a running one); returning true stops <see cref="FMin"/>.
/// </summary>
public delegate bool EarlyStopFunction(IReadOnlyList<TrialRecord> completedTrials);
