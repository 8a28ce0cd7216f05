namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// hyperopt's adaptive Parzen estimator (tpe.adaptive_parzen_normal): one kernel per observation plus a prior kernel,
/// each kernel's sigma the larger gap to its sorted neighbours, clipped to [prior_sigma / min(100, n + 2), prior_sigma],
/// and observations older than the newest <c>forgettingThreshold</c> weighted by a linear ramp.
/// </summary>
internal static class ParzenEstimator
{
    /// <param name="observations">Model-space values (log for log families) in trial order, oldest first.</param>
    /// <param name="domain">Bounds, quantization and prior kernel of the parameter.</param>
    /// <param name="priorWeight">Weight of the prior kernel (hyperopt's prior_weight).</param>
    /// <param name="forgettingThreshold">Observations newer than this many weigh 1 (hyperopt's LF).</param>
    public static TruncatedNormalMixture Fit(
        ReadOnlySpan<double> observations, NumericDomain domain, double priorWeight, int forgettingThreshold)
    {
        var n = observations.Length;
        var order = new int[n];
        var sorted = new double[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
            sorted[i] = observations[i];
        }

        Array.Sort(sorted, order);

        var forgetting = ForgettingWeights(n, forgettingThreshold);
        var sortedWeights = new double[n];
        for (var i = 0; i < n; i++)
        {
            sortedWeights[i] = forgetting[order[i]];
        }

        return FitSorted(sorted, sortedWeights, domain, priorWeight);
    }

    /// <summary>
    /// <see cref="Fit"/> for observations already sorted by value, each with its forgetting weight: no sort, so a model
    /// over a cached sorted history costs time linear in it.
    /// </summary>
    public static TruncatedNormalMixture FitSorted(
        ReadOnlySpan<double> sorted, ReadOnlySpan<double> sortedWeights, NumericDomain domain, double priorWeight)
    {
        var n = sorted.Length;
        var priorPosition = LowerBound(sorted, domain.PriorMu);
        var mus = new double[n + 1];
        var weights = new double[n + 1];
        sorted[..priorPosition].CopyTo(mus);
        sortedWeights[..priorPosition].CopyTo(weights);
        mus[priorPosition] = domain.PriorMu;
        weights[priorPosition] = priorWeight;
        sorted[priorPosition..].CopyTo(mus.AsSpan(priorPosition + 1));
        sortedWeights[priorPosition..].CopyTo(weights.AsSpan(priorPosition + 1));

        var sigmas = Bandwidths(mus, priorPosition, domain.PriorSigma);
        return new TruncatedNormalMixture(weights, mus, sigmas, domain);
    }

    /// <summary>The forgetting weight of the observation at <paramref name="position"/> (trial order) of <paramref name="n"/>.</summary>
    public static double ForgettingWeight(int position, int n, int threshold)
    {
        var ramp = n - threshold;
        return position < ramp ? Linspace(1.0 / n, 1.0, ramp, position) : 1.0;
    }

    /// <summary>
    /// hyperopt's linear_forgetting_weights: the newest <paramref name="threshold"/> observations weigh 1, the older
    /// ones ramp linearly from 1/n up to 1, so an old region of the search stops dominating the model.
    /// </summary>
    public static double[] ForgettingWeights(int n, int threshold)
    {
        var weights = new double[n];
        for (var i = 0; i < n; i++)
        {
            weights[i] = ForgettingWeight(i, n, threshold);
        }

        return weights;
    }

    /// <summary>The sorted kernels' sigmas, with hyperopt's special cases for zero and one observation.</summary>
    internal static double[] Bandwidths(double[] sortedMus, int priorPosition, double priorSigma)
    {
        var sigmas = new double[sortedMus.Length];
        Bandwidths(sortedMus, priorPosition, priorSigma, sigmas);
        return sigmas;
    }

    /// <summary><see cref="Bandwidths(double[], int, double)"/> into a caller's buffer of the same length.</summary>
    internal static void Bandwidths(ReadOnlySpan<double> sortedMus, int priorPosition, double priorSigma, Span<double> sigmas)
    {
        var count = sortedMus.Length;
        if (count == 2)
        {
            // One observation: hyperopt gives it half the prior's width.
            sigmas[priorPosition] = priorSigma;
            sigmas[1 - priorPosition] = 0.5 * priorSigma;
            return;
        }

        if (count > 2)
        {
            for (var i = 1; i < count - 1; i++)
            {
                sigmas[i] = Math.Max(sortedMus[i] - sortedMus[i - 1], sortedMus[i + 1] - sortedMus[i]);
            }

            sigmas[0] = sortedMus[1] - sortedMus[0];
            sigmas[count - 1] = sortedMus[count - 1] - sortedMus[count - 2];
        }

        var maxSigma = priorSigma;
        var minSigma = priorSigma / Math.Min(100.0, 1.0 + count);
        for (var i = 0; i < count; i++)
        {
            sigmas[i] = Math.Clamp(sigmas[i], minSigma, maxSigma);
        }

        sigmas[priorPosition] = priorSigma;
    }

    private static double Linspace(double start, double stop, int count, int index) =>
        count == 1 ? start : start + (stop - start) * index / (count - 1);

    /// <summary>numpy's searchsorted (side left): the first index whose value is not less than <paramref name="value"/>.</summary>
    private static int LowerBound(ReadOnlySpan<double> sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (sorted[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }
}
