using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class CategoricalPosteriorTests
{
    [Fact]
    public void Fit_ChoiceObservations_CountsPlusOnePseudoCountEach()
    {
        var posterior = CategoricalPosterior.Fit([0, 0, 2], [1.0, 1.0, 1.0, 1.0], forgettingThreshold: 25);

        // Counts 2, 0, 1, 0 plus one each: 3, 1, 2, 1 out of 7.
        Assert.Equal([3 / 7.0, 1 / 7.0, 2 / 7.0, 1 / 7.0], posterior.Probabilities.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Fit_NoObservation_IsThePrior()
    {
        var posterior = CategoricalPosterior.Fit([], [0.2, 0.8], forgettingThreshold: 25);

        Assert.Equal([0.2, 0.8], posterior.Probabilities.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Fit_PChoicePrior_AddsPriorWeightTimesP()
    {
        var posterior = CategoricalPosterior.Fit([1], [0.2, 0.8], forgettingThreshold: 25);

        // 0.2 and 0.8 + 1 out of 2.
        Assert.Equal([0.1, 0.9], posterior.Probabilities.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void Sample_ManyDraws_FollowTheProbabilities()
    {
        var posterior = CategoricalPosterior.Fit([0, 0, 2], [1.0, 1.0, 1.0, 1.0], forgettingThreshold: 25);
        var random = new Random(3);
        const int Draws = 70_000;

        var zeros = Enumerable.Range(0, Draws).Count(_ => posterior.Sample(random) == 0) / (double)Draws;

        // p = 3/7; the standard error over 70,000 draws is below 0.0019, 5 standard errors below 0.0095.
        Assert.Equal(3 / 7.0, zeros, 0.0095);
    }

    [Fact]
    public void LogProbability_OutOfRange_IsMinusInfinity()
    {
        var posterior = CategoricalPosterior.Fit([], [1.0, 1.0], forgettingThreshold: 25);

        Assert.Equal(double.NegativeInfinity, posterior.LogProbability(2));
        Assert.Equal(Math.Log(0.5), posterior.LogProbability(1), 1e-12);
    }
}
