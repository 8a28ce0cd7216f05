namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// A search algorithm: hyperopt's <c>algo</c> argument of <c>fmin</c> (rand.suggest, tpe.suggest, anneal.suggest).
/// Deterministic: the same request (space, history, pending points, trial numbers, seed) gives the same points.
/// </summary>
public interface ISearchAlgorithm
{
    /// <summary>The algorithm's name as the CLI and the benchmarks spell it: rand, tpe, tpe-hyperopt or anneal.</summary>
    string Name { get; }

    /// <summary>
    /// Proposes <see cref="SuggestionRequest.Count"/> new raw assignments (hyperopt's <c>vals</c>: a choice is its
    /// option index, an inactive conditional parameter is null), like hyperopt's <c>algo(new_ids, domain, trials, seed)</c>.
    /// </summary>
    IReadOnlyList<IReadOnlyDictionary<string, double?>> Suggest(SuggestionRequest request);
}
