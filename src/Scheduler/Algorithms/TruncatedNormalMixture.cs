namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// A weighted mixture of normal kernels truncated to the domain's bounds: hyperopt's GMM1 (and LGMM1 for log
/// families). Continuous values are scored by the density, quantized ones by the mass of [x - q/2, x + q/2].
/// </summary>
internal sealed class TruncatedNormalMixture
{
    private readonly double[] weights;
    private readonly double[] mus;
    private readonly double[] sigmas;
    private readonly double[] cumulativeWeights;
    private readonly double[] logCoefficients;
    private readonly double[] inverseSigmas;
    private readonly double logAcceptance;

    // Kernels are split into a few wide ones, always scored, and narrow ones (sigma <= narrowLimit) that are sorted
    // by mu and scored only in a window around the value: far narrow kernels cannot change the sum in double precision.
    private readonly int[] wideKernels;
    private readonly double narrowLimit;
    private readonly double maxNarrowLogCoefficient;
    private readonly bool sortedByMu;

    private const double FarTail = 9.0;
    private const int MaxRejections = 1000;
    private const double NegligibleLogRatio = 40.0;
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public TruncatedNormalMixture(double[] weights, double[] mus, double[] sigmas, NumericDomain domain)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(mus);
        ArgumentNullException.ThrowIfNull(sigmas);
        if (weights.Length == 0 || weights.Length != mus.Length || weights.Length != sigmas.Length)
        {
            throw new ArgumentException(
                $"mixture: weights ({weights.Length}), mus ({mus.Length}) and sigmas ({sigmas.Length}) must be equally long and not empty",
                nameof(weights));
        }

        this.weights = weights;
        this.mus = mus;
        this.sigmas = sigmas;
        Domain = domain;
        cumulativeWeights = new double[weights.Length];
        logCoefficients = new double[weights.Length];
        inverseSigmas = new double[weights.Length];
        var total = 0.0;
        var accepted = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            // log(w / (sigma sqrt(2 pi))) once per kernel, not once per kernel and candidate.
            logCoefficients[i] = Math.Log(weights[i]) - Math.Log(sigmas[i]) - LogSqrtTwoPi;
            inverseSigmas[i] = 1.0 / sigmas[i];
            total += weights[i];
            cumulativeWeights[i] = total;
            var reach = FarTail * sigmas[i];
            accepted += mus[i] - reach > domain.Low && mus[i] + reach < domain.High
                ? weights[i]
                : weights[i] * (Gaussian.Cdf(domain.High, mus[i], sigmas[i]) - Gaussian.Cdf(domain.Low, mus[i], sigmas[i]));
        }

        sortedByMu = true;
        for (var i = 1; i < mus.Length; i++)
        {
            sortedByMu &= mus[i - 1] <= mus[i];
        }

        narrowLimit = 4 * sigmas.Min();
        var wide = new List<int>();
        maxNarrowLogCoefficient = double.NegativeInfinity;
        for (var i = 0; i < sigmas.Length; i++)
        {
            if (sigmas[i] > narrowLimit)
            {
                wide.Add(i);
            }
            else
            {
                maxNarrowLogCoefficient = Math.Max(maxNarrowLogCoefficient, logCoefficients[i]);
            }
        }

        wideKernels = [.. wide];

        logAcceptance = Math.Log(accepted / total);
        LogTotalWeight = Math.Log(total);
    }

    public NumericDomain Domain { get; }

    public int Count => weights.Length;

    public ReadOnlySpan<double> Weights => weights;

    public ReadOnlySpan<double> Mus => mus;

    public ReadOnlySpan<double> Sigmas => sigmas;

    private double LogTotalWeight { get; }

    /// <summary>Draws a raw value: a component by weight, a normal draw rejected until inside the bounds, then exp and rounding.</summary>
    public double Sample(Random random)
    {
        var component = PickComponent(random);
        for (var attempt = 0; attempt < MaxRejections; attempt++)
        {
            var model = mus[component] + sigmas[component] * Gaussian.SampleStandard(random);
            if (model >= Domain.Low && model <= Domain.High)
            {
                return Domain.ToValue(model);
            }
        }

        // Only a kernel with nearly all its mass outside the bounds gets here; its nearest admissible point stands in.
        return Domain.ToValue(Math.Clamp(mus[component], Domain.Low, Domain.High));
    }

    /// <summary>log density (continuous) or log probability mass (quantized) of a raw value under the truncated mixture.</summary>
    public double LogDensity(double value) =>
        Domain.Q is { } q ? LogMass(value, q) : LogContinuousDensity(value);

    private int PickComponent(Random random)
    {
        var target = random.NextDouble() * cumulativeWeights[^1];
        var index = Array.BinarySearch(cumulativeWeights, target);
        index = index < 0 ? ~index : index;
        return Math.Min(index, cumulativeWeights.Length - 1);
    }

    private double LogContinuousDensity(double value)
    {
        if (Domain.IsLog && value <= 0)
        {
            return double.NegativeInfinity;
        }

        var model = Domain.IsLog ? Math.Log(value) : value;
        if (model < Domain.Low || model > Domain.High)
        {
            return double.NegativeInfinity;
        }

        // Log-sum-exp in two passes without a buffer: the largest term, then exp only of the terms that can still
        // matter (exp(-40) is below double precision relative to the largest).
        var max = double.NegativeInfinity;
        foreach (var i in wideKernels)
        {
            max = Math.Max(max, Term(model, i));
        }

        var nearest = LowerBound(model);
        for (var i = Math.Max(nearest - 1, 0); i <= Math.Min(nearest, mus.Length - 1); i++)
        {
            max = Math.Max(max, Term(model, i));
        }

        // A narrow kernel at distance d has a term at most maxNarrowLogCoefficient - (d / narrowLimit)^2 / 2.
        var radius = narrowLimit * Math.Sqrt(2 * Math.Max(0, maxNarrowLogCoefficient - max + NegligibleLogRatio));
        var (first, last) = NarrowWindow(model - radius, model + radius);
        for (var i = first; i <= last; i++)
        {
            if (sigmas[i] <= narrowLimit)
            {
                max = Math.Max(max, Term(model, i));
            }
        }

        var sum = 0.0;
        foreach (var i in wideKernels)
        {
            sum += Negligible(Term(model, i) - max);
        }

        for (var i = first; i <= last; i++)
        {
            if (sigmas[i] <= narrowLimit)
            {
                sum += Negligible(Term(model, i) - max);
            }
        }

        // The Jacobian of exp turns the log-space density into a density over values.
        var jacobian = Domain.IsLog ? model : 0.0;
        return max + Math.Log(sum) - LogTotalWeight - logAcceptance - jacobian;
    }

    private static double Negligible(double logRatio) => logRatio > -NegligibleLogRatio ? Math.Exp(logRatio) : 0.0;

    private double CellMass(double modelLower, double modelUpper, int i)
    {
        // A cell more than 9 sigmas from a kernel gets less than 1e-19 of its weight: not worth two erfc calls.
        var reach = FarTail * sigmas[i];
        if (modelLower > mus[i] + reach || modelUpper < mus[i] - reach)
        {
            return 0.0;
        }

        // Two-stage subtraction as hyperopt does: slightly more accurate when both CDFs are near 1.
        var mass = weights[i] * Gaussian.Cdf(modelUpper, mus[i], sigmas[i]);
        mass -= weights[i] * Gaussian.Cdf(modelLower, mus[i], sigmas[i]);
        return mass;
    }

    /// <summary>Indices of the kernels whose mu may lie in [from, to]: all of them unless the mus are sorted.</summary>
    private (int First, int Last) NarrowWindow(double from, double to) =>
        sortedByMu ? (FirstIndex(from, inclusive: true), FirstIndex(to, inclusive: false) - 1) : (0, mus.Length - 1);

    private int LowerBound(double value) => sortedByMu ? FirstIndex(value, inclusive: true) : 0;

    /// <summary>The first kernel index whose mu is at least (inclusive) or above <paramref name="value"/>; mus sorted.</summary>
    private int FirstIndex(double value, bool inclusive)
    {
        int low = 0, high = mus.Length;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (mus[middle] < value || (!inclusive && mus[middle] == value))
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

    private double Term(double model, int i)
    {
        var z = (model - mus[i]) * inverseSigmas[i];
        return logCoefficients[i] - 0.5 * z * z;
    }

    private double LogMass(double value, double q)
    {
        var upper = value + q / 2;
        var lower = value - q / 2;
        double modelUpper;
        double modelLower;
        if (Domain.IsLog)
        {
            upper = Math.Min(upper, Math.Exp(Domain.High));
            lower = Math.Max(Math.Max(lower, Math.Exp(Domain.Low)), 0);
            modelUpper = upper <= 0 ? double.NegativeInfinity : Math.Log(upper);
            modelLower = lower <= 0 ? double.NegativeInfinity : Math.Log(lower);
        }
        else
        {
            modelUpper = Math.Min(upper, Domain.High);
            modelLower = Math.Max(lower, Domain.Low);
        }

        if (modelUpper <= modelLower)
        {
            return double.NegativeInfinity;
        }

        var mass = 0.0;
        foreach (var i in wideKernels)
        {
            mass += CellMass(modelLower, modelUpper, i);
        }

        var (first, last) = NarrowWindow(modelLower - FarTail * narrowLimit, modelUpper + FarTail * narrowLimit);
        for (var i = first; i <= last; i++)
        {
            if (sigmas[i] <= narrowLimit)
            {
                mass += CellMass(modelLower, modelUpper, i);
            }
        }

        return Math.Log(Math.Max(mass, double.Epsilon)) - LogTotalWeight - logAcceptance;
    }
}
