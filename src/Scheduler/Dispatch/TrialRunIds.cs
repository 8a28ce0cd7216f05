namespace HyperQueue.Scheduler.Dispatch;

/// <summary>The tracking runs of one trial: its own child run and the experiment's parent run.</summary>
internal sealed record TrialRunIds(string RunId, string ParentRunId);
