using HyperQueue.Contracts;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Tracking.Export;

/// <summary>
/// What <c>hq experiments show</c> prints: trial counts by status, the best trial (hyperopt's <c>Trials.best_trial</c>:
/// lowest loss among ok trials) and the top trials by loss.
/// </summary>
public sealed record ExperimentSummary(
    int Total,
    int Ok,
    int Failed,
    int Cancelled,
    int Unfinished,
    TrialRecord? Best,
    IReadOnlyList<TrialRecord> Top)
{
    /// <summary>Summarizes trial records (as from <c>ListTrialsAsync</c>); ties in loss go to the lower trial number.</summary>
    public static ExperimentSummary From(IReadOnlyList<TrialRecord> trials, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        var ranked = trials
            .Where(trial => trial.Status == TrialStatus.Ok && trial.Loss is not null)
            .OrderBy(trial => trial.Loss!.Value)
            .ThenBy(trial => trial.Number)
            .ToList();
        return new ExperimentSummary(
            trials.Count,
            trials.Count(trial => trial.Status == TrialStatus.Ok),
            trials.Count(trial => trial.Status == TrialStatus.Fail),
            trials.Count(trial => trial.Status == TrialStatus.Cancelled),
            trials.Count(trial => trial.Status is null),
            ranked.FirstOrDefault(),
            [.. ranked.Take(top)]);
    }
}
