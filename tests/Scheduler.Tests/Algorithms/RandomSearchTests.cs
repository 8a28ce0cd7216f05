using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class RandomSearchTests
{
    [Fact]
    public void Suggest_KAtOnce_EqualsOneAtATimeWithTheSameTrialNumbers()
    {
        var space = TestSpaces.EveryKind();
        var algorithm = Algo.Rand();

        var batch = algorithm.Suggest(new SuggestionRequest(space, [], [], 5, 10, Seed: 3));
        var single = Enumerable.Range(10, 5).Select(n => algorithm.Suggest(new SuggestionRequest(space, [], [], 1, n, Seed: 3))[0]);

        // Per-point randomness derives from (seed, trial number), so batching does not change the sequence.
        Assert.Equal(batch, single);
        Assert.Equal(5, batch.Select(p => p["u"]).Distinct().Count());
    }

    [Fact]
    public void Suggest_ResumedExperiment_ContinuesTheSequence()
    {
        var space = TestSpaces.Quadratic();

        var first = Algo.Rand().Suggest(new SuggestionRequest(space, [], [], 10, 0, Seed: 1));
        var resumed = Algo.Rand().Suggest(new SuggestionRequest(space, [], [], 10, 10, Seed: 1));

        Assert.Empty(first.Select(p => p["x"]).Intersect(resumed.Select(p => p["x"])));
    }

    [Fact]
    public void Suggest_EveryNodeKind_PointsAreValidAssignments()
    {
        var space = TestSpaces.EveryKind();

        var points = Algo.Rand().Suggest(new SuggestionRequest(space, [], [], 200, 0, Seed: 12));

        Assert.All(points, space.ValidateAssignment);
    }

    [Fact]
    public void Suggest_NegativeCount_NamesTheFieldAndValue()
    {
        var request = new SuggestionRequest(TestSpaces.Quadratic(), [], [], -1, 0, Seed: 1);

        var error = Assert.Throws<ArgumentException>(() => Algo.Rand().Suggest(request));

        Assert.Contains("Count (-1)", error.Message, StringComparison.Ordinal);
    }
}
