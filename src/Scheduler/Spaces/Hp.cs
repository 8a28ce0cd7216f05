namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// Search space expressions, one to one with hyperopt's <c>hp.*</c>. Each returns a <see cref="SpaceNode"/> to place
/// in a structure passed to <see cref="SearchSpace.Create"/>. Invalid arguments throw <see cref="ArgumentException"/>
/// naming the label and the rule, e.g. <c>uniform 'lr': low (0) must be less than high (-1)</c>.
/// </summary>
public static class Hp
{
    /// <summary>Like hyperopt's <c>hp.choice</c>: one of the options, uniformly; options may be sub-spaces.</summary>
    /// <remarks>The raw value is the option index.</remarks>
    public static SpaceNode Choice(string label, params object?[] options)
    {
        label = NodeArguments.Label(DistributionKind.Choice, label);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Length == 0)
        {
            throw NodeArguments.Error(DistributionKind.Choice, label, "options must not be empty");
        }

        return new ChoiceNode(label, [.. options], probabilities: null);
    }

    /// <summary>Like hyperopt's <c>hp.choice(label, options)</c> with the options in one list, e.g. <c>new[] { 16, 32, 64 }</c>.</summary>
    /// <remarks>Without this overload an <c>int[]</c> would bind to <c>params object?[]</c> as a single option.</remarks>
    public static SpaceNode Choice<T>(string label, IReadOnlyList<T> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Choice(label, [.. options.Cast<object?>()]);
    }

    /// <summary>Like hyperopt's <c>hp.pchoice</c>: option i with probability p_i; probabilities in [0, 1] summing to 1.</summary>
    public static SpaceNode PChoice(string label, params (double Probability, object? Option)[] options)
    {
        const DistributionKind kind = DistributionKind.PChoice;
        label = NodeArguments.Label(kind, label);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Length == 0)
        {
            throw NodeArguments.Error(kind, label, "options must not be empty");
        }

        var sum = 0.0;
        for (var i = 0; i < options.Length; i++)
        {
            var p = options[i].Probability;
            if (!(p >= 0 && p <= 1))
            {
                throw NodeArguments.Error(kind, label, $"probability of option {i} ({NodeArguments.Format(p)}) must be in [0, 1]");
            }

            sum += p;
        }

        if (Math.Abs(sum - 1) > NodeArguments.ProbabilitySumTolerance)
        {
            throw NodeArguments.Error(kind, label, $"probabilities must sum to 1 (within 1e-9), got {NodeArguments.Format(sum)}");
        }

        return new ChoiceNode(label, [.. options.Select(o => o.Option)], [.. options.Select(o => o.Probability)]);
    }

    /// <summary>Like hyperopt's <c>hp.uniform</c>: U(low, high).</summary>
    public static SpaceNode Uniform(string label, double low, double high) =>
        Bounded(DistributionKind.Uniform, label, low, high, q: null);

    /// <summary>Like hyperopt's <c>hp.quniform</c>: round(U(low, high) / q) * q, which may fall below low.</summary>
    public static SpaceNode QUniform(string label, double low, double high, double q) =>
        Bounded(DistributionKind.QUniform, label, low, high, q);

    /// <summary>Like hyperopt's <c>hp.loguniform</c>: exp(U(low, high)); low and high are in log space.</summary>
    public static SpaceNode LogUniform(string label, double low, double high) =>
        Bounded(DistributionKind.LogUniform, label, low, high, q: null);

    /// <summary>Like hyperopt's <c>hp.qloguniform</c>: round(exp(U(low, high)) / q) * q; low and high in log space.</summary>
    public static SpaceNode QLogUniform(string label, double low, double high, double q) =>
        Bounded(DistributionKind.QLogUniform, label, low, high, q);

    /// <summary>Like hyperopt's <c>hp.normal</c>: N(mu, sigma).</summary>
    public static SpaceNode Normal(string label, double mu, double sigma) =>
        Gaussian(DistributionKind.Normal, label, mu, sigma, q: null);

    /// <summary>Like hyperopt's <c>hp.qnormal</c>: round(N(mu, sigma) / q) * q.</summary>
    public static SpaceNode QNormal(string label, double mu, double sigma, double q) =>
        Gaussian(DistributionKind.QNormal, label, mu, sigma, q);

    /// <summary>Like hyperopt's <c>hp.lognormal</c>: exp(N(mu, sigma)).</summary>
    public static SpaceNode LogNormal(string label, double mu, double sigma) =>
        Gaussian(DistributionKind.LogNormal, label, mu, sigma, q: null);

    /// <summary>Like hyperopt's <c>hp.qlognormal</c>: round(exp(N(mu, sigma)) / q) * q.</summary>
    public static SpaceNode QLogNormal(string label, double mu, double sigma, double q) =>
        Gaussian(DistributionKind.QLogNormal, label, mu, sigma, q);

    /// <summary>Like hyperopt's <c>hp.randint(label, upper)</c>: an integer in [0, upper).</summary>
    public static SpaceNode RandInt(string label, long upper) => RandInt(label, 0, upper);

    /// <summary>Like hyperopt's <c>hp.randint(label, low, high)</c>: an integer in [low, high).</summary>
    public static SpaceNode RandInt(string label, long low, long high) =>
        Integers(DistributionKind.RandInt, label, low, high, q: null);

    /// <summary>Like hyperopt's <c>hp.uniformint</c>: quniform(low, high, 1) delivered as an integer in [low, high].</summary>
    public static SpaceNode UniformInt(string label, long low, long high) =>
        Integers(DistributionKind.UniformInt, label, low, high, q: 1);

    private static NumericNode Bounded(DistributionKind kind, string label, double low, double high, double? q)
    {
        label = NodeArguments.Label(kind, label);
        NodeArguments.LowLessThanHigh(kind, label, low, high);
        if (q is { } step)
        {
            NodeArguments.Positive(kind, label, "q", step);
        }

        return new NumericNode(kind, label) { Low = low, High = high, Q = q };
    }

    private static NumericNode Gaussian(DistributionKind kind, string label, double mu, double sigma, double? q)
    {
        label = NodeArguments.Label(kind, label);
        NodeArguments.Finite(kind, label, "mu", mu);
        NodeArguments.Positive(kind, label, "sigma", sigma);
        if (q is { } step)
        {
            NodeArguments.Positive(kind, label, "q", step);
        }

        NodeArguments.FiniteReach(kind, label, mu, sigma);

        return new NumericNode(kind, label) { Mu = mu, Sigma = sigma, Q = q };
    }

    private static NumericNode Integers(DistributionKind kind, string label, long low, long high, double? q)
    {
        label = NodeArguments.Label(kind, label);
        NodeArguments.Integer(kind, label, "low", low);
        NodeArguments.Integer(kind, label, "high", high);
        NodeArguments.LowLessThanHigh(kind, label, low, high);
        return new NumericNode(kind, label) { Low = low, High = high, Q = q };
    }
}
