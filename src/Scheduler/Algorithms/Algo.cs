namespace HyperQueue.Scheduler.Algorithms;

/// <summary>The search algorithms, like hyperopt's <c>rand.suggest</c>, <c>tpe.suggest</c> and <c>anneal.suggest</c>.</summary>
public static class Algo
{
    internal static IReadOnlyList<string> Names { get; } = ["rand", "tpe", "tpe-hyperopt", "anneal"];

    /// <summary>Random search: hyperopt's <c>rand.suggest</c>.</summary>
    public static ISearchAlgorithm Rand() => new RandomSearch();

    /// <summary>Tree-structured Parzen Estimator, by default HyperQueue's stronger configuration (<see cref="TpeOptions.Default"/>).</summary>
    public static ISearchAlgorithm Tpe(TpeOptions? options = null) =>
        new TreeParzenEstimator(options ?? TpeOptions.Default, options == TpeOptions.Hyperopt ? "tpe-hyperopt" : "tpe");

    /// <summary>hyperopt 0.2.7's <c>tpe.suggest</c> with its defaults, exactly: <see cref="TpeOptions.Hyperopt"/>.</summary>
    public static ISearchAlgorithm TpeHyperopt() => new TreeParzenEstimator(TpeOptions.Hyperopt, "tpe-hyperopt");

    /// <summary>Simulated annealing: hyperopt's <c>anneal.suggest</c>.</summary>
    public static ISearchAlgorithm Anneal(AnnealOptions? options = null) => new Annealing(options ?? new AnnealOptions());

    /// <summary>The algorithm named as on the command line: rand, tpe, tpe-hyperopt or anneal.</summary>
    /// <exception cref="ArgumentException">The name is none of those.</exception>
    public static ISearchAlgorithm Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "rand" => Rand(),
            "tpe" => Tpe(),
            "tpe-hyperopt" => TpeHyperopt(),
            "anneal" => Anneal(),
            _ => throw new ArgumentException($"algorithm '{name}' is unknown; valid names: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
