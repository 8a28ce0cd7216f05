namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// hyperopt's ap_categorical_sampler: option probabilities proportional to the forgetting-weighted counts of the
/// observed options plus prior pseudo-counts (prior_weight per option for choice/randint, prior_weight * p for pchoice).
/// </summary>
internal sealed class CategoricalPosterior
{
    private readonly double[] probabilities;
    private readonly double[] cumulative;

    private CategoricalPosterior(double[] probabilities)
    {
        this.probabilities = probabilities;
        cumulative = new double[probabilities.Length];
        var total = 0.0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            total += probabilities[i];
            cumulative[i] = total;
        }
    }

    public ReadOnlySpan<double> Probabilities => probabilities;

    /// <param name="observations">Option indices in trial order, oldest first.</param>
    /// <param name="pseudoCounts">The prior's count per option, added to the observed counts.</param>
    /// <param name="forgettingThreshold">Observations newer than this many weigh 1 (hyperopt's LF).</param>
    public static CategoricalPosterior Fit(ReadOnlySpan<int> observations, ReadOnlySpan<double> pseudoCounts, int forgettingThreshold)
    {
        var counts = pseudoCounts.ToArray();
        var weights = ParzenEstimator.ForgettingWeights(observations.Length, forgettingThreshold);
        for (var i = 0; i < observations.Length; i++)
        {
            counts[observations[i]] += weights[i];
        }

        var total = 0.0;
        foreach (var count in counts)
        {
            total += count;
        }

        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] /= total;
        }

        return new CategoricalPosterior(counts);
    }

    public int Sample(Random random)
    {
        var target = random.NextDouble() * cumulative[^1];
        for (var i = 0; i < cumulative.Length; i++)
        {
            if (target < cumulative[i])
            {
                return i;
            }
        }

        return cumulative.Length - 1;
    }

    public double LogProbability(int option) =>
        option >= 0 && option < probabilities.Length ? Math.Log(probabilities[option]) : double.NegativeInfinity;
}
