namespace HyperQueue.Scheduler.Algorithms;

/// <summary>hyperopt's rand.suggest: every point an independent draw from the space's prior.</summary>
internal sealed class RandomSearch : ISearchAlgorithm
{
    public string Name => "rand";

    public IReadOnlyList<IReadOnlyDictionary<string, double?>> Suggest(SuggestionRequest request)
    {
        SuggestionRequestGuard.Validate(request);
        var points = new IReadOnlyDictionary<string, double?>[request.Count];
        for (var k = 0; k < request.Count; k++)
        {
            points[k] = request.Space.SamplePrior(SeedSequence.ForTrial(request.Seed, request.FirstTrialNumber + k));
        }

        return points;
    }
}
