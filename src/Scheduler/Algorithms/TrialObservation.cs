using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>One finished trial as the algorithms see it: hyperopt's <c>misc.vals</c> and <c>result</c>.</summary>
/// <param name="Values">The raw assignment the trial ran with (a choice is its option index, inactive is null).</param>
/// <param name="Loss">The loss of an ok trial; null for failed and cancelled ones.</param>
/// <param name="Status">Ok, failed (counted as the worst observation) or cancelled (ignored).</param>
public sealed record TrialObservation(IReadOnlyDictionary<string, double?> Values, double? Loss, TrialStatus Status);
