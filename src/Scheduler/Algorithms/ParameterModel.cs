using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>How the algorithms model each node kind: a numeric domain for the continuous and quantized families, a
/// categorical over option indices (choice, pchoice) or integers (randint) for the others.</summary>
internal static class ParameterModel
{
    public static bool IsCategorical(Hyperparameter parameter) =>
        parameter.Kind is DistributionKind.Choice or DistributionKind.PChoice or DistributionKind.RandInt;

    public static NumericDomain NumericDomainOf(Hyperparameter parameter) => parameter.Kind switch
    {
        DistributionKind.Uniform or DistributionKind.QUniform or DistributionKind.LogUniform or DistributionKind.QLogUniform =>
            NumericDomain.Bounded(parameter.Low, parameter.High, parameter.Q, parameter.IsLog),
        // hyperopt's uniformint is quniform(low, high, q=1) delivered as an integer.
        DistributionKind.UniformInt => NumericDomain.Bounded(parameter.Low, parameter.High, parameter.Q ?? 1.0, isLog: false),
        DistributionKind.Normal or DistributionKind.QNormal or DistributionKind.LogNormal or DistributionKind.QLogNormal =>
            NumericDomain.Unbounded(parameter.Mu, parameter.Sigma, parameter.Q, parameter.IsLog),
        _ => throw new ArgumentException($"'{parameter.Label}': {parameter.Kind} is categorical, not numeric", nameof(parameter)),
    };

    /// <summary>Number of categories: options of a choice, integers of a randint.</summary>
    public static int CategoryCount(Hyperparameter parameter) =>
        parameter.Kind == DistributionKind.RandInt ? (int)(parameter.High - parameter.Low) : parameter.OptionCount;

    /// <summary>Raw value of category 0: randint(low, high) starts at low, choices at index 0.</summary>
    public static double CategoryOffset(Hyperparameter parameter) =>
        parameter.Kind == DistributionKind.RandInt ? parameter.Low : 0.0;

    /// <summary>The prior's probability per category: pchoice's p, uniform otherwise.</summary>
    public static double[] PriorProbabilities(Hyperparameter parameter)
    {
        var count = CategoryCount(parameter);
        if (parameter.Kind == DistributionKind.PChoice && parameter.Probabilities is { } probabilities)
        {
            return [.. probabilities];
        }

        var uniform = new double[count];
        Array.Fill(uniform, 1.0 / count);
        return uniform;
    }

    public static int ToCategory(Hyperparameter parameter, double value) => (int)Math.Round(value - CategoryOffset(parameter));

    public static double FromCategory(Hyperparameter parameter, int category) => category + CategoryOffset(parameter);
}
