using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class ParzenEstimatorTests
{
    private static readonly NumericDomain UnitInterval = NumericDomain.Bounded(0, 1, null, isLog: false);

    [Fact]
    public void Fit_ThreeObservations_PriorInsertedAtTheCentreWithBandwidthsClipped()
    {
        var mixture = ParzenEstimator.Fit([0.9, 0.2, 0.25], UnitInterval, priorWeight: 1, forgettingThreshold: 25);

        // Sorted kernels 0.2, 0.25, prior 0.5, 0.9. Raw sigmas: 0.05 (edge), max(0.05, 0.25), prior, 0.4 (edge);
        // the minimum is prior_sigma / min(100, 1 + 4) = 0.2, so 0.05 is raised to 0.2; the prior keeps sigma 1.
        Assert.Equal([0.2, 0.25, 0.5, 0.9], mixture.Mus.ToArray());
        Assert.Equal([0.2, 0.25, 1.0, 0.4], mixture.Sigmas.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal([1.0, 1.0, 1.0, 1.0], mixture.Weights.ToArray());
    }

    [Fact]
    public void Fit_NoObservation_IsThePriorAlone()
    {
        var mixture = ParzenEstimator.Fit([], NumericDomain.Bounded(-5, 10, null, isLog: false), priorWeight: 1, forgettingThreshold: 25);

        Assert.Equal([2.5], mixture.Mus.ToArray());
        Assert.Equal([15.0], mixture.Sigmas.ToArray());
    }

    [Fact]
    public void Fit_OneObservation_GetsHalfThePriorSigma()
    {
        var mixture = ParzenEstimator.Fit([0.7], UnitInterval, priorWeight: 1, forgettingThreshold: 25);

        Assert.Equal([0.5, 0.7], mixture.Mus.ToArray());
        Assert.Equal([1.0, 0.5], mixture.Sigmas.ToArray());
    }

    [Fact]
    public void Fit_ManyCloseObservations_BandwidthsClippedToOneHundredthOfThePrior()
    {
        // 150 observations on each side of the prior at 0.5, 1e-9 apart: every gap is far below the floor.
        var observations = Enumerable.Range(0, 300).Select(i => 0.5 + (i < 150 ? i - 150 : i - 149) * 1e-9).ToArray();

        var mixture = ParzenEstimator.Fit(observations, UnitInterval, priorWeight: 1, forgettingThreshold: 25);

        // min(100, 1 + 301) = 100: every observation kernel sits at the floor prior_sigma / 100.
        var priorIndex = mixture.Mus.IndexOf(0.5);
        Assert.All(mixture.Sigmas.ToArray().Where((_, i) => i != priorIndex), sigma => Assert.Equal(0.01, sigma, 1e-15));
        Assert.Equal(1.0, mixture.Sigmas[priorIndex]);
    }

    [Fact]
    public void Fit_WideGaps_BandwidthsClippedToThePriorSigma()
    {
        var domain = NumericDomain.Unbounded(0, 1, null, isLog: false);

        var mixture = ParzenEstimator.Fit([-50, 50], domain, priorWeight: 1, forgettingThreshold: 25);

        // Gaps of 50 exceed prior_sigma = 1, the cap.
        Assert.Equal([1.0, 1.0, 1.0], mixture.Sigmas.ToArray());
    }

    [Fact]
    public void ForgettingWeights_BeyondTheThreshold_OldestRampLinearly()
    {
        var weights = ParzenEstimator.ForgettingWeights(30, 25);

        // numpy.linspace(1/30, 1, 5) then 25 ones.
        double[] ramp = [1 / 30.0, 1 / 30.0 + 0.25 * (29 / 30.0), 1 / 30.0 + 0.5 * (29 / 30.0), 1 / 30.0 + 0.75 * (29 / 30.0), 1.0];
        Assert.Equal(ramp, weights[..5], (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.All(weights[5..], w => Assert.Equal(1.0, w));
    }

    [Fact]
    public void Fit_MoreObservationsThanTheThreshold_WeightsFollowTrialOrderNotValueOrder()
    {
        var observations = Enumerable.Range(0, 30).Select(i => 1.0 - i / 30.0).ToArray();

        var mixture = ParzenEstimator.Fit(observations, UnitInterval, priorWeight: 1, forgettingThreshold: 25);

        // The oldest trial holds the largest value 1.0: its kernel (the last sorted one) has the smallest weight 1/30.
        Assert.Equal(1.0, mixture.Mus[^1]);
        Assert.Equal(1 / 30.0, mixture.Weights[^1], 1e-12);
        Assert.Equal(1.0, mixture.Weights[0]);
    }
}
