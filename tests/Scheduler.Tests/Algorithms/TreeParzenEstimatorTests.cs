using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class TreeParzenEstimatorTests
{
    public static TheoryData<string> TpeNames => ["tpe", "tpe-hyperopt"];

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_EveryNodeKind_PointsAreValidAssignments(string name)
    {
        var space = TestSpaces.EveryKind();
        var history = SequentialMinimizer.Run(Algo.Parse(name), space, TestSpaces.EveryKindLoss, 60, seed: 5);

        // ValidateAssignment rejects a missing label, an inactive label with a value, or a value off its node's support.
        Assert.All(history, trial => space.ValidateAssignment(trial.Values));
        Assert.Contains(history, trial => trial.Values["model"] == 0);
        Assert.Contains(history, trial => trial.Values["model"] == 1);
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_ConditionalSpace_OnlyTheChosenBranchIsActive(string name)
    {
        var space = TestSpaces.EveryKind();
        var history = SequentialMinimizer.Run(Algo.Parse(name), space, TestSpaces.EveryKindLoss, 40, seed: 9);

        foreach (var values in history.Select(t => t.Values))
        {
            var svm = values["model"] == 0;
            Assert.Equal(svm, values["c"] is not null);
            Assert.Equal(!svm, values["depth"] is not null);
            Assert.Equal(!svm, values["criterion"] is not null);
        }
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_KPointsAtOnce_AreDistinct(string name)
    {
        var space = TestSpaces.EveryKind();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.EveryKindLoss, 30, seed: 1);

        var points = Algo.Parse(name).Suggest(new SuggestionRequest(space, history, [], 8, 30, Seed: 1));

        Assert.Equal(8, points.Count);
        Assert.Equal(8, points.Select(p => p["u"]).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_EveryTrialFailed_ReturnsValidPoints(string name)
    {
        var space = TestSpaces.EveryKind();
        var failed = Enumerable.Range(0, 40)
            .Select(i => new TrialObservation(space.SamplePrior(new Random(i)), null, TrialStatus.Fail))
            .ToList();

        var points = Algo.Parse(name).Suggest(new SuggestionRequest(space, failed, [], 3, 40, Seed: 2));

        Assert.Equal(3, points.Count);
        Assert.All(points, space.ValidateAssignment);
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_NaNLoss_CountsAsAFailure(string name)
    {
        var space = TestSpaces.Quadratic();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.QuadraticLoss, 30, seed: 4);
        var withNaN = history.Select((t, i) => i % 3 == 0 ? t with { Loss = double.NaN } : t).ToList();
        var withFail = history.Select((t, i) => i % 3 == 0 ? t with { Loss = null, Status = TrialStatus.Fail } : t).ToList();
        var algorithm = Algo.Parse(name);

        var fromNaN = algorithm.Suggest(new SuggestionRequest(space, withNaN, [], 2, 30, Seed: 4));
        var fromFail = algorithm.Suggest(new SuggestionRequest(space, withFail, [], 2, 30, Seed: 4));

        Assert.Equal(fromFail.Select(p => p["x"]), fromNaN.Select(p => p["x"]));
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_CancelledTrials_AreIgnored(string name)
    {
        var space = TestSpaces.Quadratic();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.QuadraticLoss, 30, seed: 4);
        var withCancelled = history.Concat([new TrialObservation(new Dictionary<string, double?> { ["x"] = 3.0 }, null, TrialStatus.Cancelled)]).ToList();
        var algorithm = Algo.Parse(name);

        var plain = algorithm.Suggest(new SuggestionRequest(space, history, [], 1, 31, Seed: 4));
        var cancelled = algorithm.Suggest(new SuggestionRequest(space, withCancelled, [], 1, 31, Seed: 4));

        Assert.Equal(plain[0]["x"], cancelled[0]["x"]);
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_SameSeedAndTrialNumber_SamePoints(string name)
    {
        var space = TestSpaces.EveryKind();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.EveryKindLoss, 30, seed: 8);

        var first = Algo.Parse(name).Suggest(new SuggestionRequest(space, history, [], 4, 30, Seed: 8));
        var second = Algo.Parse(name).Suggest(new SuggestionRequest(space, history, [], 4, 30, Seed: 8));
        var otherSeed = Algo.Parse(name).Suggest(new SuggestionRequest(space, history, [], 4, 30, Seed: 9));

        Assert.Equal(first.Select(p => p["u"]), second.Select(p => p["u"]));
        Assert.NotEqual(first.Select(p => p["u"]), otherSeed.Select(p => p["u"]));
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_CachedGrowingHistory_SamePointsAsAColdModel(string name)
    {
        var space = TestSpaces.EveryKind();
        var warm = Algo.Parse(name);
        var history = new List<TrialObservation>();
        for (var trial = 0; trial < 150; trial++)
        {
            // One or two trials finish between calls, a failure now and then, one point pending: the cache inserts rows.
            var pending = history.Count > 0 ? new[] { history[^1].Values } : [];
            var request = new SuggestionRequest(space, history.ToList(), pending, 2, trial, Seed: 4);
            var warmPoints = warm.Suggest(request);
            var coldPoints = Algo.Parse(name).Suggest(request);

            Assert.Equal(coldPoints.Select(Describe), warmPoints.Select(Describe));
            var status = trial % 17 == 3 ? TrialStatus.Fail : TrialStatus.Ok;
            history.Add(new TrialObservation(warmPoints[0], status == TrialStatus.Ok ? TestSpaces.EveryKindLoss(warmPoints[0]) : null, status));
        }

        // A history that is not an extension of the cached one (a trial finished out of order) is rebuilt.
        (history[10], history[11]) = (history[11], history[10]);
        var reordered = new SuggestionRequest(space, history, [], 1, 150, Seed: 4);
        Assert.Equal(Describe(Algo.Parse(name).Suggest(reordered)[0]), Describe(warm.Suggest(reordered)[0]));
    }

    [Fact]
    public void Suggest_MultivariateOnAConditionalSpace_GroupsDifferFromThePerParameterModel()
    {
        var space = TestSpaces.EveryKind();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.EveryKindLoss, 40, seed: 2);
        var request = new SuggestionRequest(space, history, [], 3, 40, Seed: 2);

        var joint = Algo.Tpe(TpeOptions.Default with { Multivariate = true }).Suggest(request);
        var perParameter = Algo.Tpe(TpeOptions.Default with { Multivariate = false }).Suggest(request);

        Assert.All(joint, point => space.ValidateAssignment(point));
        Assert.NotEqual(perParameter.Select(Describe), joint.Select(Describe));
    }

    [Fact]
    public void Suggest_GroupedNestedChoices_SameSeedSamePointsOtherSeedOthers()
    {
        var space = TestSpaces.NestedChoices();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.NestedChoicesLoss, 30, seed: 6);

        var first = Algo.Tpe().Suggest(new SuggestionRequest(space, history, [], 4, 30, Seed: 6));
        var second = Algo.Tpe().Suggest(new SuggestionRequest(space, history, [], 4, 30, Seed: 6));
        var otherSeed = Algo.Tpe().Suggest(new SuggestionRequest(space, history, [], 4, 30, Seed: 7));

        Assert.All(first, point => space.ValidateAssignment(point));
        Assert.Equal(first.Select(Describe), second.Select(Describe));
        Assert.NotEqual(first.Select(Describe), otherSeed.Select(Describe));
    }

    [Fact]
    public void Suggest_GroupedNestedChoices_ConvergesInTheBestBranch()
    {
        // Loss below 0.05 needs the branch (outer 0, inner 0: 1/4 of the prior) and (w, a, x) within a ball of radius
        // sqrt(0.05) around the optimum: volume 4/3 pi 0.05^1.5 = 0.047 of the 4 units of the box, so one prior draw
        // succeeds with p <= 0.25 * 0.0117 = 0.0029 and 80 draws with p <= 0.21. Random search passes on 7 of 10 seeds
        // with probability below 0.001.
        var passes = Enumerable.Range(0, 10).Count(seed =>
            SequentialMinimizer.Best(SequentialMinimizer.Run(Algo.Tpe(), TestSpaces.NestedChoices(), TestSpaces.NestedChoicesLoss, 80, seed)) < 0.05);

        Assert.True(passes >= 7, $"converged on {passes} of 10 seeds");
    }

    [Fact]
    public void Suggest_MultivariateOnAFlatSpace_DiffersFromThePerParameterModel()
    {
        var space = TestSpaces.Branin();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.BraninLoss, 40, seed: 2);
        var request = new SuggestionRequest(space, history, [], 3, 40, Seed: 2);

        var joint = Algo.Tpe(TpeOptions.Default with { Multivariate = true }).Suggest(request);
        var perParameter = Algo.Tpe(TpeOptions.Default with { Multivariate = false }).Suggest(request);

        Assert.All(joint, point => space.ValidateAssignment(point));
        Assert.NotEqual(perParameter.Select(Describe), joint.Select(Describe));
    }

    private static string Describe(IReadOnlyDictionary<string, double?> point) =>
        string.Join(';', point.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value:R}"));

    [Fact]
    public void Suggest_PendingPoints_AreConstantLiarBadObservations()
    {
        var space = TestSpaces.Quadratic();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.QuadraticLoss, 30, seed: 6);
        var best = history.MinBy(t => t.Loss)!.Values;
        var pending = Enumerable.Repeat(best, 10).ToList();
        var algorithm = Algo.TpeHyperopt();

        var withoutPending = algorithm.Suggest(new SuggestionRequest(space, history, [], 1, 40, Seed: 6))[0]["x"]!.Value;
        var withPending = algorithm.Suggest(new SuggestionRequest(space, history, pending, 1, 40, Seed: 6))[0]["x"]!.Value;
        var ignoringPending = Algo.Tpe(TpeOptions.Hyperopt with { ConstantLiar = false })
            .Suggest(new SuggestionRequest(space, history, pending, 1, 40, Seed: 6))[0]["x"]!.Value;

        // Ten bad observations at the best point change the bad density there, so the suggestion moves; without the
        // liar the pending points are not observations and the suggestion is the one without them.
        Assert.NotEqual(withoutPending, withPending);
        Assert.Equal(withoutPending, ignoringPending);
    }

    [Fact]
    public void Suggest_FewerTrialsThanStartup_DrawsFromThePrior()
    {
        var space = TestSpaces.EveryKind();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.EveryKindLoss, 19, seed: 3);

        var tpe = Algo.TpeHyperopt().Suggest(new SuggestionRequest(space, history, [], 1, 19, Seed: 3));
        var rand = Algo.Rand().Suggest(new SuggestionRequest(space, history, [], 1, 19, Seed: 3));

        // hyperopt's n_startup_jobs = 20: the 20th trial is still random search, the same draw rand makes.
        Assert.Equal(rand[0], tpe[0]);
    }

    [Fact]
    public void Suggest_QuadraticOverTenSeeds_ConvergesNearTheMinimum()
    {
        // One random draw lands within sqrt(0.02) of 3 with p = 0.01414, so 60 draws succeed with probability
        // 1 - (1 - p)^60 = 0.575 and random search passes on 9 of 10 seeds with probability 0.034.
        var passes = Enumerable.Range(0, 10).Count(seed =>
            SequentialMinimizer.Best(SequentialMinimizer.Run(Algo.TpeHyperopt(), TestSpaces.Quadratic(), TestSpaces.QuadraticLoss, 60, seed)) < 0.02);

        Assert.True(passes >= 9, $"converged on {passes} of 10 seeds");
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_Arms_PlaysTheBestArmMostOften(string name)
    {
        // Random play picks the best arm in 40 trials Binomial(40, 0.2) times: mean 8, sd 2.5, so 15 or more is
        // 2.8 sd above chance. Ties at loss 0 go partly to the bad set, which keeps hyperopt's TPE exploring (about
        // half of the plays), hence not a stricter bar.
        var passes = Enumerable.Range(0, 10).Count(seed =>
        {
            var history = SequentialMinimizer.Run(Algo.Parse(name), TestSpaces.Arms(), TestSpaces.ArmsLoss, 60, seed);
            return history.TakeLast(40).Count(t => t.Values["arm"] == 4) >= 15;
        });

        Assert.True(passes >= 8, $"best arm most often on {passes} of 10 seeds");
    }

    [Theory]
    [MemberData(nameof(TpeNames))]
    public void Suggest_Branin_BeatsRandomSearchAtEqualBudget(string name)
    {
        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return 0.5 * (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]);
        }

        var seeds = Enumerable.Range(0, 15).ToArray();
        var tpe = Median(seeds.Select(s => SequentialMinimizer.Best(SequentialMinimizer.Run(Algo.Parse(name), TestSpaces.Branin(), TestSpaces.BraninLoss, 80, s))));
        var rand = Median(seeds.Select(s => SequentialMinimizer.Best(SequentialMinimizer.Run(Algo.Rand(), TestSpaces.Branin(), TestSpaces.BraninLoss, 80, s))));

        Assert.True(tpe < rand, $"median best: tpe {tpe}, rand {rand}");
    }
}
