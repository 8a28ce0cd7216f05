using System.Buffers;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Optuna's multivariate TPE density (<c>TPESampler(multivariate=True)</c>): one joint kernel per observation over every
/// parameter plus a prior kernel, so candidates drawn from the good density keep the correlations of the good trials
/// and are scored by the product of their per-parameter densities. Numeric kernels are truncated normals in model
/// space with Scott-like bandwidth 0.2 * n^(-1/(d+4)) * range; categorical kernels put prior_weight/(n+1) on every
/// option and 1 on the observed one. Only for spaces whose parameters are active in every trial.
/// </summary>
internal sealed class MultivariateParzenEstimator
{
    private const double BandwidthMagnitude = 0.2;
    private const int MaxRejections = 1000;
    private const double MidpointCellFraction = 0.25;
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    private readonly Hyperparameter[] parameters;
    private readonly NumericDomain?[] domains;
    private readonly int kernelCount;
    private readonly double[] logWeights;
    private readonly double[] cumulativeWeights;
    private readonly double logTotalWeight;

    // Per parameter, per kernel: mu, sigma and 1 / sigma (numeric), or per option the kernels' log probabilities.
    // Everything that does not depend on the scored point is folded into one constant per kernel.
    private readonly double[][] mus;
    private readonly double[][] sigmas;
    private readonly double[][] inverseSigmas;
    private readonly double[][][] logProbabilities;
    private readonly double[] kernelConstants;
    private readonly double[][] logDensityOffsets;
    private readonly double[] smallestSigmas;

    private MultivariateParzenEstimator(
        Hyperparameter[] parameters, NumericDomain?[] domains, double[] weights, double[][] mus, double[][] sigmas, double[][][] logProbabilities)
    {
        this.parameters = parameters;
        this.domains = domains;
        this.mus = mus;
        this.sigmas = sigmas;
        this.logProbabilities = logProbabilities;
        kernelCount = weights.Length;
        logWeights = [.. weights.Select(w => Math.Log(w))];
        cumulativeWeights = new double[kernelCount];
        var total = 0.0;
        for (var k = 0; k < kernelCount; k++)
        {
            total += weights[k];
            cumulativeWeights[k] = total;
        }

        logTotalWeight = Math.Log(total);
        kernelConstants = (double[])logWeights.Clone();
        inverseSigmas = new double[parameters.Length][];
        logDensityOffsets = new double[parameters.Length][];
        smallestSigmas = new double[parameters.Length];
        for (var p = 0; p < parameters.Length; p++)
        {
            inverseSigmas[p] = [.. sigmas[p].Select(sigma => 1.0 / sigma)];
            smallestSigmas[p] = sigmas[p].Length > 0 ? sigmas[p].Min() : 0.0;
            logDensityOffsets[p] = domains[p] is { Q: not null } ? [.. sigmas[p].Select(sigma => -Math.Log(sigma) - LogSqrtTwoPi)] : [];
            if (domains[p] is not { } domain)
            {
                continue;
            }

            // The truncation mass of every kernel, four lanes at a time: every kernel is within reach of a bound once the
            // bandwidth is a tenth of the range.
            var logMasses = new double[kernelCount];
            KernelSums.AddLogCellMasses(domain.Low, domain.High, mus[p], inverseSigmas[p], logMasses);
            var lastSigma = double.NaN;
            var logSigma = 0.0;
            for (var k = 0; k < kernelCount; k++)
            {
                kernelConstants[k] -= logMasses[k];
                if (domain.Q is null)
                {
                    // All kernels but the prior share one bandwidth: one log per distinct sigma.
                    if (sigmas[p][k] != lastSigma)
                    {
                        lastSigma = sigmas[p][k];
                        logSigma = Math.Log(lastSigma);
                    }

                    kernelConstants[k] -= logSigma + LogSqrtTwoPi;
                }
            }
        }
    }

    /// <summary>Fits the joint density on the rows of one side (<paramref name="rows"/>, in trial order).</summary>
    public static MultivariateParzenEstimator Fit(ObservationColumns observations, ReadOnlySpan<int> rows, TpeOptions options)
    {
        var parameters = observations.Space.Parameters.ToArray();
        var n = rows.Length;
        var weights = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            weights[i] = ParzenEstimator.ForgettingWeight(i, n, options.ForgettingThreshold);
        }

        weights[n] = options.PriorWeight;
        var domains = new NumericDomain?[parameters.Length];
        var mus = new double[parameters.Length][];
        var sigmas = new double[parameters.Length][];
        var logProbabilities = new double[parameters.Length][][];
        var shrink = BandwidthMagnitude * Math.Pow(Math.Max(n, 1), -1.0 / (parameters.Length + 4));
        for (var p = 0; p < parameters.Length; p++)
        {
            domains[p] = observations.DomainOf(p);
            if (domains[p] is { } domain)
            {
                var values = observations.Numbers(p);
                var sigma = Math.Clamp(shrink * domain.PriorSigma, domain.PriorSigma / Math.Min(100.0, n + 1.0), domain.PriorSigma);
                mus[p] = new double[n + 1];
                sigmas[p] = new double[n + 1];
                for (var i = 0; i < n; i++)
                {
                    mus[p][i] = values[rows[i]];
                    sigmas[p][i] = sigma;
                }

                mus[p][n] = domain.PriorMu;
                sigmas[p][n] = domain.PriorSigma;
                logProbabilities[p] = [];
            }
            else
            {
                var categories = observations.Categories(p);
                var prior = ParameterModel.PriorProbabilities(parameters[p]);
                var floor = options.PriorWeight / (n + 1.0);
                var logFloor = Math.Log(floor / (1.0 + (floor * prior.Length)));
                var logObserved = Math.Log((1.0 + floor) / (1.0 + (floor * prior.Length)));
                logProbabilities[p] = new double[prior.Length][];
                for (var option = 0; option < prior.Length; option++)
                {
                    var column = new double[n + 1];
                    for (var i = 0; i < n; i++)
                    {
                        column[i] = categories[rows[i]] == option ? logObserved : logFloor;
                    }

                    column[n] = Math.Log(prior[option]);
                    logProbabilities[p][option] = column;
                }

                mus[p] = [];
                sigmas[p] = [];
            }
        }

        return new MultivariateParzenEstimator(parameters, domains, weights, mus, sigmas, logProbabilities);
    }

    /// <summary>Draws one joint point: raw values for numeric parameters, option indices for categorical ones.</summary>
    public double[] Sample(Random random)
    {
        var target = random.NextDouble() * cumulativeWeights[^1];
        var kernel = Array.BinarySearch(cumulativeWeights, target);
        kernel = Math.Min(kernel < 0 ? ~kernel : kernel, kernelCount - 1);
        var point = new double[parameters.Length];
        for (var p = 0; p < parameters.Length; p++)
        {
            point[p] = domains[p] is { } domain
                ? SampleNumber(domain, mus[p][kernel], sigmas[p][kernel], random)
                : SampleCategory(logProbabilities[p], kernel, random);
        }

        return point;
    }

    /// <summary>log of the joint density (masses for quantized and categorical parameters) of a sampled point.</summary>
    public double LogDensity(ReadOnlySpan<double> point)
    {
        var buffer = ArrayPool<double>.Shared.Rent(kernelCount);
        var scores = buffer.AsSpan(0, kernelCount);
        kernelConstants.CopyTo(scores);
        var commonLogFactor = 0.0;
        for (var p = 0; p < parameters.Length; p++)
        {
            if (domains[p] is not { } domain)
            {
                KernelSums.Add(logProbabilities[p][(int)point[p]], scores);
            }
            else if (domain.Q is { } q)
            {
                var (lower, upper) = ModelCell(domain, point[p], q);
                if (upper - lower <= MidpointCellFraction * smallestSigmas[p])
                {
                    // A cell w much narrower than every kernel: mass = w * density at the midpoint, relative error at
                    // most w^2 (1 + z^2) / (24 sigma^2), below 0.3% (1 + z^2) here, instead of two erfc and a log.
                    KernelSums.SubtractHalfSquares(0.5 * (lower + upper), mus[p], inverseSigmas[p], scores);
                    KernelSums.Add(logDensityOffsets[p], scores);
                    commonLogFactor += Math.Log(upper - lower);
                }
                else
                {
                    KernelSums.AddLogCellMasses(lower, upper, mus[p], inverseSigmas[p], scores);
                }
            }
            else
            {
                // The Jacobian of exp is the same in the good and the bad density, so log families are scored in log space.
                KernelSums.SubtractHalfSquares(domain.ToModel(point[p]), mus[p], inverseSigmas[p], scores);
            }
        }

        var logSum = KernelSums.LogSumExp(scores);
        ArrayPool<double>.Shared.Return(buffer);
        return logSum + commonLogFactor - logTotalWeight;
    }

    /// <summary>The model-space cell [x - q/2, x + q/2] of a quantized value, clipped to the bounds.</summary>
    private static (double Lower, double Upper) ModelCell(NumericDomain domain, double value, double q)
    {
        var upper = value + (q / 2);
        var lower = value - (q / 2);
        if (domain.IsLog)
        {
            return (lower <= 0 ? domain.Low : Math.Max(Math.Log(lower), domain.Low), upper <= 0 ? domain.Low : Math.Min(Math.Log(upper), domain.High));
        }

        return (Math.Max(lower, domain.Low), Math.Min(upper, domain.High));
    }

    private static double SampleNumber(NumericDomain domain, double mu, double sigma, Random random)
    {
        for (var attempt = 0; attempt < MaxRejections; attempt++)
        {
            var model = mu + (sigma * Gaussian.SampleStandard(random));
            if (model >= domain.Low && model <= domain.High)
            {
                return domain.ToValue(model);
            }
        }

        return domain.ToValue(Math.Clamp(mu, domain.Low, domain.High));
    }

    private static int SampleCategory(double[][] logProbabilities, int kernel, Random random)
    {
        var target = random.NextDouble();
        var cumulative = 0.0;
        for (var option = 0; option < logProbabilities.Length; option++)
        {
            cumulative += Math.Exp(logProbabilities[option][kernel]);
            if (target < cumulative)
            {
                return option;
            }
        }

        return logProbabilities.Length - 1;
    }
}
