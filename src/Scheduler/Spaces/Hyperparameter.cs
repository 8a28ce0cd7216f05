using MathNet.Numerics.Distributions;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// One labelled dimension of a <see cref="SearchSpace"/>, as the algorithms (random, TPE, anneal) see it: the
/// counterpart of one labelled node in hyperopt's <c>pyll</c> graph. Raw values follow hyperopt's <c>vals</c>:
/// a choice holds the option index; every numeric node holds its final value (loguniform holds exp(u),
/// quniform the rounded value, randint the integer).
/// </summary>
public sealed class Hyperparameter
{
    internal Hyperparameter(SpaceNode node, Activity activity)
    {
        Node = node;
        Activity = activity;
        Label = node.Label;
        Kind = node.Kind;
        switch (node)
        {
            case ChoiceNode choice:
                OptionCount = choice.Options.Count;
                Probabilities = choice.Probabilities;
                High = OptionCount;
                break;
            case NumericNode numeric:
                Low = numeric.Low;
                High = numeric.High;
                Mu = numeric.Mu;
                Sigma = numeric.Sigma;
                Q = numeric.Q;
                break;
            default:
                throw new ArgumentException($"unsupported node type {node.GetType().Name}", nameof(node));
        }
    }

    public string Label { get; }

    public DistributionKind Kind { get; }

    /// <summary>
    /// Lower bound as given: uniform families' low (log families: in log space, like hyperopt); randint and
    /// uniformint's low; 0 for choices. Zero for normal families.
    /// </summary>
    public double Low { get; }

    /// <summary>
    /// Upper bound as given: uniform families' high (log families: in log space); randint's exclusive high;
    /// uniformint's inclusive high; the option count (exclusive) for choices. Zero for normal families.
    /// </summary>
    public double High { get; }

    /// <summary>Mean of the normal families (log families: of the log); zero otherwise.</summary>
    public double Mu { get; }

    /// <summary>Standard deviation of the normal families (log families: of the log); zero otherwise.</summary>
    public double Sigma { get; }

    /// <summary>Quantization step, null if not quantized (uniformint has Q = 1).</summary>
    public double? Q { get; }

    /// <summary>Number of options of a choice or pchoice; zero otherwise.</summary>
    public int OptionCount { get; }

    /// <summary>Option probabilities of a pchoice; null otherwise (a choice is uniform).</summary>
    public IReadOnlyList<double>? Probabilities { get; }

    /// <summary>Choice or pchoice: the raw value is an option index.</summary>
    public bool IsCategorical => Kind is DistributionKind.Choice or DistributionKind.PChoice;

    /// <summary>Log families: the sampled quantity is exp of a uniform or normal variable.</summary>
    public bool IsLog => Kind is DistributionKind.LogUniform or DistributionKind.QLogUniform
        or DistributionKind.LogNormal or DistributionKind.QLogNormal;

    /// <summary>randint and uniformint: values are delivered as integers (JSON integers in the evaluated structure).</summary>
    public bool IsInteger => Kind is DistributionKind.RandInt or DistributionKind.UniformInt;

    /// <summary>The prior has finite support bounds (every family except the normal ones).</summary>
    public bool IsBounded => Kind is not (DistributionKind.Normal or DistributionKind.QNormal
        or DistributionKind.LogNormal or DistributionKind.QLogNormal);

    internal SpaceNode Node { get; }

    internal Activity Activity { get; }

    /// <summary>Draws one raw value from the prior (hyperopt's <c>rand.suggest</c> for this node).</summary>
    public double Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Kind switch
        {
            DistributionKind.Choice => random.Next(OptionCount),
            DistributionKind.PChoice => Categorical.Sample(random, [.. Probabilities!]),
            DistributionKind.Uniform => UniformDraw(random),
            DistributionKind.QUniform or DistributionKind.UniformInt => Quantize(UniformDraw(random)),
            // Log and normal draws go through FiniteDraws: an extreme draw is clamped to the finite range rather
            // than becoming infinity or 0, which Reject would refuse (and which would end the experiment).
            DistributionKind.LogUniform => FiniteDraws.Exp(UniformDraw(random)),
            DistributionKind.QLogUniform => Quantize(FiniteDraws.Exp(UniformDraw(random))),
            DistributionKind.Normal => FiniteDraws.Finite(NormalDraw(random)),
            DistributionKind.QNormal => Quantize(FiniteDraws.Finite(NormalDraw(random))),
            DistributionKind.LogNormal => FiniteDraws.Exp(NormalDraw(random)),
            DistributionKind.QLogNormal => Quantize(FiniteDraws.Exp(NormalDraw(random))),
            DistributionKind.RandInt => random.NextInt64((long)Low, (long)High),
            _ => throw new InvalidOperationException($"unknown distribution kind {Kind}"),
        };
    }

    /// <summary>
    /// round(value / q) * q with half-to-even rounding (numpy's <c>np.round</c>); the value itself if not quantized,
    /// or if it is so large that the rounding overflows.
    /// </summary>
    public double Quantize(double value) => Q is { } q ? FiniteDraws.Quantize(value, q) : value;

    /// <summary>Why <paramref name="value"/> cannot be this parameter's raw value, or null if it can.</summary>
    internal string? Reject(double value)
    {
        if (!double.IsFinite(value))
        {
            return $"value ({NodeArguments.Format(value)}) must be a finite number";
        }

        switch (Kind)
        {
            case DistributionKind.Choice or DistributionKind.PChoice:
                return IsIntegral(value) && value >= 0 && value < OptionCount
                    ? null
                    : $"value ({NodeArguments.Format(value)}) must be an option index, an integer in [0, {OptionCount})";
            case DistributionKind.RandInt:
                return IsIntegral(value) && value >= Low && value < High
                    ? null
                    : $"value ({NodeArguments.Format(value)}) must be an integer in [{NodeArguments.Format(Low)}, {NodeArguments.Format(High)})";
            case DistributionKind.UniformInt:
                return IsIntegral(value) && value >= Low && value <= High
                    ? null
                    : $"value ({NodeArguments.Format(value)}) must be an integer in [{NodeArguments.Format(Low)}, {NodeArguments.Format(High)}]";
            case DistributionKind.Uniform:
                return value >= Low && value <= High
                    ? null
                    : $"value ({NodeArguments.Format(value)}) must be in [{NodeArguments.Format(Low)}, {NodeArguments.Format(High)}]";
            case DistributionKind.LogUniform:
                return value > 0 && InLogRange(value)
                    ? null
                    : $"value ({NodeArguments.Format(value)}) must be in [exp({NodeArguments.Format(Low)}), exp({NodeArguments.Format(High)})]";
            case DistributionKind.LogNormal:
                return value > 0 ? null : $"value ({NodeArguments.Format(value)}) must be greater than 0";
            case DistributionKind.QUniform or DistributionKind.QLogUniform or DistributionKind.QNormal or DistributionKind.QLogNormal:
                return RejectQuantized(value);
            default:
                return null;
        }
    }

    private string? RejectQuantized(double value)
    {
        var q = Q!.Value;
        var steps = value / q;
        // Beyond a double's range of steps (a huge value, a small q) every value counts as a multiple, as Quantize leaves it.
        if (double.IsFinite(steps) && Math.Abs(steps - Math.Round(steps)) > 1e-9 * Math.Max(1, Math.Abs(steps)))
        {
            return $"value ({NodeArguments.Format(value)}) must be a multiple of q ({NodeArguments.Format(q)})";
        }

        // The formula rounds a draw from [low, high] (or [exp(low), exp(high)]) to the nearest multiple of q,
        // so a reachable value lies within q/2 of that interval; the log families can also round down to 0.
        var (low, high) = Kind switch
        {
            DistributionKind.QUniform => (Low, High),
            DistributionKind.QLogUniform => (Math.Exp(Low), Math.Exp(High)),
            DistributionKind.QLogNormal => (0.0, double.PositiveInfinity),
            _ => (double.NegativeInfinity, double.PositiveInfinity),
        };
        var slack = q / 2 * (1 + 1e-9);
        return value >= low - slack && value <= high + slack && !(IsLog && value < 0)
            ? null
            : $"value ({NodeArguments.Format(value)}) cannot come from round(x / {NodeArguments.Format(q)}) * {NodeArguments.Format(q)} for x in its range";
    }

    private bool InLogRange(double value)
    {
        // exp(low) and exp(high) are rounded; accept a relative error of a few ulps at either end.
        const double tolerance = 1e-12;
        return value >= Math.Exp(Low) * (1 - tolerance) && value <= Math.Exp(High) * (1 + tolerance);
    }

    private static bool IsIntegral(double value) => Math.Floor(value) == value;

    private double UniformDraw(Random random) => Low + ((High - Low) * random.NextDouble());

    private double NormalDraw(Random random) => MathNet.Numerics.Distributions.Normal.Sample(random, Mu, Sigma);
}
