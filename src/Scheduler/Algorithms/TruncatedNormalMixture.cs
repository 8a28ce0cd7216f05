using System.Buffers;

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
    private readonly double[] logCoefficients;
    private readonly double[] inverseSigmas;
    private readonly double logAcceptance;
    private double[]? cumulativeWeights;

    // Kernels are split into a few wide ones and narrow ones (sigma <= 4 x the smallest). When the kernels are sorted by
    // mu, only a window of them around the value is scored (far narrow kernels cannot change the sum in double
    // precision), plus the wide kernels outside the window.
    private readonly int[] wideKernels;
    private readonly double maxNarrowSigma;
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
        logCoefficients = new double[weights.Length];
        inverseSigmas = new double[weights.Length];
        var total = 0.0;
        var accepted = 0.0;
        for (var i = 0; i < weights.Length; i++)
        {
            logCoefficients[i] = weights[i] / sigmas[i];
            inverseSigmas[i] = 1.0 / sigmas[i];
            total += weights[i];
            var reach = FarTail * sigmas[i];
            accepted += mus[i] - reach > domain.Low && mus[i] + reach < domain.High
                ? weights[i]
                : weights[i] * (Gaussian.Cdf(domain.High, mus[i], sigmas[i]) - Gaussian.Cdf(domain.Low, mus[i], sigmas[i]));
        }

        // log(w / (sigma sqrt(2 pi))) once per kernel, not once per kernel and candidate.
        KernelSums.LogInPlace(logCoefficients, -LogSqrtTwoPi);

        sortedByMu = true;
        for (var i = 1; i < mus.Length; i++)
        {
            sortedByMu &= mus[i - 1] <= mus[i];
        }

        var narrowLimit = 4 * sigmas.Min();
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
                maxNarrowSigma = Math.Max(maxNarrowSigma, sigmas[i]);
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
        // Only the good density is ever sampled: the bad one, the large one, never pays for this array.
        if (cumulativeWeights is null)
        {
            cumulativeWeights = new double[weights.Length];
            var total = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                total += weights[i];
                cumulativeWeights[i] = total;
            }
        }

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

        // Log-sum-exp: a first maximum from the wide kernels and the kernels next to the value bounds the window of
        // narrow kernels that can still matter (exp(-40) is below double precision relative to the largest).
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

        // A narrow kernel at distance d has a term at most maxNarrowLogCoefficient - (d / maxNarrowSigma)^2 / 2.
        var radius = maxNarrowSigma * Math.Sqrt(2 * Math.Max(0, maxNarrowLogCoefficient - max + NegligibleLogRatio));
        var (first, count) = Window(model - radius, model + radius);
        var buffer = ArrayPool<double>.Shared.Rent(count);
        var terms = buffer.AsSpan(0, count);
        max = Math.Max(max, KernelSums.GaussianLogTerms(
            model, mus.AsSpan(first, count), inverseSigmas.AsSpan(first, count), logCoefficients.AsSpan(first, count), terms));
        var sum = KernelSums.SumExp(terms, max);
        ArrayPool<double>.Shared.Return(buffer);
        foreach (var i in wideKernels)
        {
            if (i < first || i >= first + count)
            {
                sum += Math.Exp(Term(model, i) - max);
            }
        }

        // The Jacobian of exp turns the log-space density into a density over values.
        var jacobian = Domain.IsLog ? model : 0.0;
        return max + Math.Log(sum) - LogTotalWeight - logAcceptance - jacobian;
    }

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

    /// <summary>The first kernel and how many may have their mu in [from, to]: all of them unless the mus are sorted.</summary>
    private (int First, int Count) Window(double from, double to)
    {
        if (!sortedByMu)
        {
            return (0, mus.Length);
        }

        var first = FirstIndex(from, inclusive: true);
        return (first, Math.Max(FirstIndex(to, inclusive: false) - first, 0));
    }

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

        var (first, count) = Window(modelLower - FarTail * maxNarrowSigma, modelUpper + FarTail * maxNarrowSigma);
        var mass = KernelSums.CellMasses(
            modelLower, modelUpper, mus.AsSpan(first, count), inverseSigmas.AsSpan(first, count), weights.AsSpan(first, count));
        foreach (var i in wideKernels)
        {
            if (i < first || i >= first + count)
            {
                mass += CellMass(modelLower, modelUpper, i);
            }
        }

        return Math.Log(Math.Max(mass, double.Epsilon)) - LogTotalWeight - logAcceptance;
    }
}
