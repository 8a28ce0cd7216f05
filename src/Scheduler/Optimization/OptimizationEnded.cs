namespace HyperQueue.Scheduler.Optimization;

/// <summary>How fmin ended: a stop reason, or the error it is about to throw (then <see cref="StopReason"/> may be null).</summary>
internal sealed record OptimizationEnded(Trials Trials, StopReason? StopReason, Exception? Error, DateTimeOffset EndedAt);
