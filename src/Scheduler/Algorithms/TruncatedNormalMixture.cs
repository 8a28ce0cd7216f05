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

    private const double FarTail = 9.0;
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
            accepted += weights[i] * (Gaussian.Cdf(domain.High, mus[i], sigmas[i]) - Gaussian.Cdf(domain.Low, mus[i], sigmas[i]));
        }

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
        double model;
        do
        {
            model = mus[component] + sigmas[component] * Gaussian.SampleStandard(random);
        }
        while (model < Domain.Low || model > Domain.High);

        return Domain.ToValue(model);
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

        // Log-sum-exp in two cheap passes without a buffer: the largest term, then exp only of the terms that can
        // still matter (exp(-40) is below double precision relative to the largest).
        var max = double.NegativeInfinity;
        for (var i = 0; i < logCoefficients.Length; i++)
        {
            max = Math.Max(max, Term(model, i));
        }

        var sum = 0.0;
        for (var i = 0; i < logCoefficients.Length; i++)
        {
            var term = Term(model, i) - max;
            if (term > -40)
            {
                sum += Math.Exp(term);
            }
        }

        // The Jacobian of exp turns the log-space density into a density over values.
        var jacobian = Domain.IsLog ? model : 0.0;
        return max + Math.Log(sum) - LogTotalWeight - logAcceptance - jacobian;
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
        for (var i = 0; i < weights.Length; i++)
        {
            // A cell more than 9 sigmas from a kernel gets less than 1e-19 of its weight: not worth two erfc calls.
            var reach = FarTail * sigmas[i];
            if (modelLower > mus[i] + reach || modelUpper < mus[i] - reach)
            {
                continue;
            }

            // Two-stage subtraction as hyperopt does: slightly more accurate when both CDFs are near 1.
            mass += weights[i] * Gaussian.Cdf(modelUpper, mus[i], sigmas[i]);
            mass -= weights[i] * Gaussian.Cdf(modelLower, mus[i], sigmas[i]);
        }

        return Math.Log(Math.Max(mass, double.Epsilon)) - LogTotalWeight - logAcceptance;
    }
}
