using System.Buffers;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Optuna's multivariate TPE density (<c>TPESampler(multivariate=True)</c>): one joint kernel per observation over every
/// parameter plus a prior kernel, so candidates drawn from the good density keep the correlations of the good trials
/// and are scored by the product of their per-parameter densities. Numeric kernels are truncated normals in model
/// space with Scott-like bandwidth 0.2 * n^(-1/(d+4)) * range, or (<see cref="TpeOptions.AdaptiveJointBandwidth"/>)
/// per kernel and parameter hyperopt's adaptive bandwidth; categorical kernels put prior_weight/(n+1) on every
/// option and 1 on the observed one. Fitted per group of parameters (<see cref="ParameterGroups"/>) on the rows where
/// the group was active, so a conditional space gets one joint density per branch.
/// </summary>
internal sealed class MultivariateParzenEstimator
{
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
            if (domains[p] is not { } domain)
            {
                logDensityOffsets[p] = [];
                continue;
            }

            // log(sigma sqrt(2 pi)) of every kernel, four lanes at a time: adaptive bandwidths differ per kernel.
            var logNormalizers = (double[])sigmas[p].Clone();
            KernelSums.LogInPlace(logNormalizers, LogSqrtTwoPi);

            // The truncation mass of every kernel, four lanes at a time: every kernel is within reach of a bound once the
            // bandwidth is a tenth of the range.
            var logMasses = new double[kernelCount];
            KernelSums.AddLogCellMasses(domain.Low, domain.High, mus[p], inverseSigmas[p], logMasses);
            for (var k = 0; k < kernelCount; k++)
            {
                kernelConstants[k] -= logMasses[k];
                if (domain.Q is null)
                {
                    kernelConstants[k] -= logNormalizers[k];
                }
            }

            if (domain.Q is not null)
            {
                // Quantized values fold the density normalizer in only where the midpoint rule applies.
                for (var k = 0; k < kernelCount; k++)
                {
                    logNormalizers[k] = -logNormalizers[k];
                }

                logDensityOffsets[p] = logNormalizers;
            }
            else
            {
                logDensityOffsets[p] = [];
            }
        }
    }

    /// <summary>
    /// Fits the joint density of the parameters <paramref name="group"/> (indices into the space's parameters, all
    /// active in every row given) on the rows of one side (<paramref name="rows"/>, in trial order). Adaptive bandwidths
    /// are kept at least <paramref name="bandwidthFloor"/> times the Scott-like one.
    /// </summary>
    public static MultivariateParzenEstimator Fit(
        ObservationColumns observations, ReadOnlySpan<int> group, ReadOnlySpan<int> rows, TpeOptions options, double bandwidthFloor = 0.0)
    {
        var parameters = new Hyperparameter[group.Length];
        var n = rows.Length;
        var weights = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            weights[i] = ParzenEstimator.ForgettingWeight(i, n, options.ForgettingThreshold);
        }

        weights[n] = options.PriorWeight;
        var domains = new NumericDomain?[group.Length];
        var mus = new double[group.Length][];
        var sigmas = new double[group.Length][];
        var logProbabilities = new double[group.Length][][];
        var shrink = options.BandwidthFactor * Math.Pow(Math.Max(n, 1), -1.0 / (group.Length + 4));
        int[]? kernelOf = null;
        if (options.AdaptiveJointBandwidth)
        {
            kernelOf = ArrayPool<int>.Shared.Rent(observations.Count);
            kernelOf.AsSpan(0, observations.Count).Fill(-1);
            for (var i = 0; i < n; i++)
            {
                kernelOf[rows[i]] = i;
            }
        }

        for (var j = 0; j < group.Length; j++)
        {
            var p = group[j];
            parameters[j] = observations.Space.Parameters[p];
            domains[j] = observations.DomainOf(p);
            if (domains[j] is { } domain)
            {
                var values = observations.Numbers(p);
                var sigma = Math.Clamp(shrink * domain.PriorSigma, domain.PriorSigma / Math.Min(100.0, n + 1.0), domain.PriorSigma);
                mus[j] = new double[n + 1];
                sigmas[j] = new double[n + 1];
                for (var i = 0; i < n; i++)
                {
                    mus[j][i] = values[rows[i]];
                    sigmas[j][i] = sigma;
                }

                mus[j][n] = domain.PriorMu;
                sigmas[j][n] = domain.PriorSigma;
                if (kernelOf is not null)
                {
                    AdaptiveBandwidths(observations, p, kernelOf, n, domain, sigmas[j]);
                    var floor = bandwidthFloor * sigma;
                    if (domain is { Q: { } q, IsLog: false })
                    {
                        // Kernels at least four grid steps wide keep the midpoint rule of LogDensity applicable: narrower
                        // ones cost two erfc and a log per kernel and candidate, which made a suggestion after 1,000 trials
                        // on the latency benchmark's space six times slower.
                        floor = Math.Max(floor, Math.Min(q / MidpointCellFraction, domain.PriorSigma));
                    }

                    for (var i = 0; i < n; i++)
                    {
                        sigmas[j][i] = Math.Max(sigmas[j][i], floor);
                    }
                }

                logProbabilities[j] = [];
            }
            else
            {
                var categories = observations.Categories(p);
                var prior = ParameterModel.PriorProbabilities(parameters[j]);
                var floor = options.PriorWeight / (n + 1.0);
                var logFloor = Math.Log(floor / (1.0 + (floor * prior.Length)));
                var logObserved = Math.Log((1.0 + floor) / (1.0 + (floor * prior.Length)));
                logProbabilities[j] = new double[prior.Length][];
                for (var option = 0; option < prior.Length; option++)
                {
                    var column = new double[n + 1];
                    for (var i = 0; i < n; i++)
                    {
                        column[i] = categories[rows[i]] == option ? logObserved : logFloor;
                    }

                    column[n] = Math.Log(prior[option]);
                    logProbabilities[j][option] = column;
                }

                mus[j] = [];
                sigmas[j] = [];
            }
        }

        if (kernelOf is not null)
        {
            ArrayPool<int>.Shared.Return(kernelOf);
        }

        return new MultivariateParzenEstimator(parameters, domains, weights, mus, sigmas, logProbabilities);
    }

    /// <summary>
    /// hyperopt's adaptive bandwidths for one parameter: each kernel's sigma is the larger gap to its neighbours among
    /// the side's values sorted together with the prior mu, clipped as <see cref="ParzenEstimator.Bandwidths(double[], int, double)"/> does.
    /// <paramref name="kernelOf"/> maps a row to its kernel on this side, -1 for the other side's rows.
    /// </summary>
    private static void AdaptiveBandwidths(ObservationColumns observations, int parameter, int[] kernelOf, int n, NumericDomain domain, double[] sigmas)
    {
        var values = observations.Numbers(parameter);
        var sortedMus = ArrayPool<double>.Shared.Rent(2 * (n + 1));
        var sortedKernels = ArrayPool<int>.Shared.Rent(n + 1);
        var count = 0;
        var priorPosition = -1;
        foreach (var row in observations.SortedRows(parameter))
        {
            if (kernelOf[row] < 0)
            {
                continue;
            }

            if (priorPosition < 0 && values[row] >= domain.PriorMu)
            {
                priorPosition = count;
                sortedMus[count] = domain.PriorMu;
                sortedKernels[count++] = n;
            }

            sortedMus[count] = values[row];
            sortedKernels[count++] = kernelOf[row];
        }

        if (priorPosition < 0)
        {
            priorPosition = count;
            sortedMus[count] = domain.PriorMu;
            sortedKernels[count] = n;
        }

        // The second half of the rented buffer holds the sorted sigmas.
        var sorted = sortedMus.AsSpan(n + 1, n + 1);
        ParzenEstimator.Bandwidths(sortedMus.AsSpan(0, n + 1), priorPosition, domain.PriorSigma, sorted);
        for (var i = 0; i <= n; i++)
        {
            sigmas[sortedKernels[i]] = sorted[i];
        }

        ArrayPool<double>.Shared.Return(sortedMus);
        ArrayPool<int>.Shared.Return(sortedKernels);
    }

    /// <summary>The kernels' sigmas (model space) of the group's parameter at <paramref name="position"/>, the prior's last.</summary>
    public ReadOnlySpan<double> Sigmas(int position) => sigmas[position];

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
