namespace HyperQueue.Scheduler.Algorithms;

/// <summary>How many of N trials TPE counts as good, always capped by <see cref="TpeOptions.ForgettingThreshold"/>.</summary>
public enum TpeSplit
{
    /// <summary>ceil(gamma * sqrt(N)): hyperopt's <c>ap_split_trials</c>.</summary>
    SquareRoot,

    /// <summary>ceil(gamma * N): Optuna's default gamma, more good trials as the history grows.</summary>
    Linear,
}
