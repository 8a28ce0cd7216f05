using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class AnnealingTests
{
    [Fact]
    public void Suggest_EveryNodeKindWithPChoiceInChoice_PointsAreValidAssignments()
    {
        var space = TestSpaces.EveryKind();

        var history = SequentialMinimizer.Run(Algo.Anneal(), space, TestSpaces.EveryKindLoss, 80, seed: 2);

        Assert.All(history, trial => space.ValidateAssignment(trial.Values));
        Assert.Contains(history, trial => trial.Values["criterion"] == 0);
        Assert.Contains(history, trial => trial.Values["criterion"] == 1);
    }

    [Fact]
    public void Suggest_QuadraticOverTenSeeds_ConvergesNearTheMinimum()
    {
        // One random draw lands within sqrt(0.005) of 3 with p = 0.00707, so 60 draws succeed with probability 0.347
        // and random search passes on 9 of 10 seeds with probability 0.0005.
        var passes = Enumerable.Range(0, 10).Count(seed =>
            SequentialMinimizer.Best(SequentialMinimizer.Run(Algo.Anneal(), TestSpaces.Quadratic(), TestSpaces.QuadraticLoss, 60, seed)) < 0.005);

        Assert.True(passes >= 9, $"converged on {passes} of 10 seeds");
    }

    [Fact]
    public void Suggest_Arms_PlaysTheBestArmMostOften()
    {
        // Random play picks the best arm in 40 trials Binomial(40, 0.2) times: mean 8, sd 2.5, so 15 or more is
        // 2.8 sd above chance; annealing keeps the starting trial's arm with probability 1 - shrink.
        var passes = Enumerable.Range(0, 10).Count(seed =>
        {
            var history = SequentialMinimizer.Run(Algo.Anneal(), TestSpaces.Arms(), TestSpaces.ArmsLoss, 60, seed);
            return history.TakeLast(40).Count(t => t.Values["arm"] == 4) >= 15;
        });

        Assert.True(passes >= 8, $"best arm most often on {passes} of 10 seeds");
    }

    [Fact]
    public void Suggest_EveryTrialFailed_DrawsFromThePrior()
    {
        var space = TestSpaces.Quadratic();
        var failed = Enumerable.Range(0, 5)
            .Select(i => new TrialObservation(new Dictionary<string, double?> { ["x"] = i }, null, TrialStatus.Fail))
            .ToList();

        var annealed = Algo.Anneal().Suggest(new SuggestionRequest(space, failed, [], 2, 5, Seed: 3));
        var rand = Algo.Rand().Suggest(new SuggestionRequest(space, failed, [], 2, 5, Seed: 3));

        Assert.Equal(rand, annealed);
    }

    [Fact]
    public void Anneal_ShrinkCoefficientNegative_NamesTheRule()
    {
        var error = Assert.Throws<ArgumentException>(() => Algo.Anneal(new AnnealOptions { ShrinkCoefficient = -1 }));

        Assert.Contains("ShrinkCoefficient (-1) must be a finite number of at least 0", error.Message, StringComparison.Ordinal);
    }
}
