using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>What an algorithm needs to propose new points: the arguments of hyperopt's <c>suggest(new_ids, domain, trials, seed)</c>.</summary>
/// <param name="Space">The search space (hyperopt's domain).</param>
/// <param name="History">Finished trials in trial order: ok, failed and cancelled ones.</param>
/// <param name="Pending">Points in flight, without a result yet; algorithms treat them as bad observations.</param>
/// <param name="Count">How many new points to propose.</param>
/// <param name="FirstTrialNumber">Trial number of the first new point; point k has number FirstTrialNumber + k.</param>
/// <param name="Seed">The experiment seed; each point's randomness derives from (Seed, its trial number).</param>
public sealed record SuggestionRequest(
    SearchSpace Space,
    IReadOnlyList<TrialObservation> History,
    IReadOnlyList<IReadOnlyDictionary<string, double?>> Pending,
    int Count,
    int FirstTrialNumber,
    long Seed);
