using HyperQueue.Contracts;
using HyperQueue.Scheduler.Optimization;

namespace HyperQueue.Integration.Tests.Reliability;

/// <summary>What every fault test demands of the trials store when fmin returns: each trial once, none lost, statuses right.</summary>
internal static class ExactTrials
{
    /// <summary>
    /// Exactly <paramref name="maxEvals"/> trials, each id once and each number 0..maxEvals-1 once, every one completed
    /// with status ok and a loss: a trial lost, recorded twice or reported cancelled by a fault fails here.
    /// </summary>
    public static void AssertAllOkOnce(Trials trials, int maxEvals)
    {
        Assert.Equal(maxEvals, trials.All.Count);
        Assert.Equal(maxEvals, trials.All.Select(trial => trial.Id).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, maxEvals), trials.All.Select(trial => trial.Number).Order());
        var notOk = trials.All
            .Where(trial => trial.State != TrialState.Completed || trial.Status != TrialStatus.Ok || trial.Loss is null)
            .Select(trial => $"trial {trial.Number} ({trial.Id}): {trial.State} {trial.Status} {trial.Error?.Type} {trial.Error?.Message}")
            .ToList();
        Assert.True(notOk.Count == 0, string.Join(Environment.NewLine, notOk));
    }
}
