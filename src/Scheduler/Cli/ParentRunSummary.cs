using HyperQueue.Tracking.Runs;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// A run that holds trials (one per <c>fmin</c> call, or a user's active run it logged into), as
/// <c>hq experiments show</c> lists it: how many trials it parents, why it stopped and, if it failed, the error.
/// </summary>
internal sealed record ParentRunSummary(RunInfo Info, int Trials, string? StopReason, string? Error);
