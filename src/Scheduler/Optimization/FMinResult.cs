using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>What <see cref="FMin"/> returns: hyperopt's argmin plus what a caller usually looks up next.</summary>
public sealed class FMinResult
{
    internal FMinResult(Trials trials, TrialRecord bestTrial, StopReason stopReason, long seed, bool returnArgmin)
    {
        Trials = trials;
        BestTrial = bestTrial;
        StopReason = stopReason;
        Seed = seed;
        Counts = trials.Counts;
        Argmin = returnArgmin ? Trials.ActiveVals(bestTrial) : null;
        BestParameters = returnArgmin ? bestTrial.Parameters : null;
    }

    /// <summary>
    /// Hyperopt's return value of <c>fmin</c>: the raw values of the best trial, active labels only, a choice as its
    /// option index. Null when fmin was called with <c>returnArgmin: false</c>.
    /// </summary>
    public IReadOnlyDictionary<string, double>? Argmin { get; }

    /// <summary>The evaluated parameters of the best trial (hyperopt's <c>space_eval(space, argmin)</c>); null when <c>returnArgmin</c> was false.</summary>
    public TrialParameters? BestParameters { get; }

    /// <summary>The loss of <see cref="BestTrial"/>.</summary>
    public double BestLoss => BestTrial.Loss!.Value;

    /// <summary>The ok trial with the lowest loss (hyperopt's <c>trials.best_trial</c>).</summary>
    public TrialRecord BestTrial { get; }

    /// <summary>Status counts over the whole trials store when fmin returned.</summary>
    public TrialCounts Counts { get; }

    public StopReason StopReason { get; }

    /// <summary>The seed fmin used (given, reused from the store, or drawn): pass it again to repeat the run.</summary>
    public long Seed { get; }

    /// <summary>The trials store, including trials from earlier calls on the same store.</summary>
    public Trials Trials { get; }
}
