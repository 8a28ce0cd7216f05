using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class MultivariateParzenEstimatorTests
{
    [Fact]
    public void LogDensity_TwoBoundedContinuous_IntegratesToOne()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", 0, 1), ["y"] = Hp.Uniform("y", -2, 2) });
        var estimator = Fit(space, 8, seed: 3);

        // Simpson's rule on 400 x 400 intervals: the kernels' sigmas are at least a hundredth of the range, so the
        // error bound h^4 * max|f''''| / 180 per axis stays far below the 1e-6 tolerance.
        var integral = Simpson(x => Simpson(y => Math.Exp(estimator.LogDensity(Point(space, ("x", x), ("y", y)))), -2, 2, 400), 0, 1, 400);

        Assert.Equal(1.0, integral, 1e-6);
    }

    [Fact]
    public void LogDensity_QuantizedAndCategorical_MassesSumToOne()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["q"] = Hp.QUniform("q", 0, 10, 1),
            ["c"] = Hp.Choice("c", "a", "b", "c"),
        });
        // The Scott-like bandwidth 0.2 * 6^(-1/6) * 10 = 1.5 is under four cells: every cell mass is exact (erfc).
        var estimator = Fit(space, 6, seed: 5, TpeOptions.Default with { AdaptiveJointBandwidth = false });

        // Cells [v - 1/2, v + 1/2] clipped to [0, 10] tile the range exactly, and the options exhaust the choice.
        var total = 0.0;
        for (var value = 0; value <= 10; value++)
        {
            for (var option = 0; option < 3; option++)
            {
                total += Math.Exp(estimator.LogDensity(Point(space, ("q", value), ("c", option))));
            }
        }

        Assert.Equal(1.0, total, 1e-6);
    }

    [Fact]
    public void LogDensity_QuantizedAdaptiveKernels_MassesSumToOneWithinTheMidpointBound()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["q"] = Hp.QUniform("q", 0, 10, 1),
            ["c"] = Hp.Choice("c", "a", "b", "c"),
        });
        // Adaptive kernels of a quantized parameter are at least four cells wide, so each cell mass is the midpoint
        // density times the width, relative error at most w^2 (1 + z^2) / (24 sigma^2) per cell: summed over the cells
        // that is at most (1/16) * E[1 + z^2] / 24 = 2 / 384 = 0.0052.
        var estimator = Fit(space, 6, seed: 5);

        // Cells [v - 1/2, v + 1/2] clipped to [0, 10] tile the range exactly, and the options exhaust the choice.
        var total = 0.0;
        for (var value = 0; value <= 10; value++)
        {
            for (var option = 0; option < 3; option++)
            {
                total += Math.Exp(estimator.LogDensity(Point(space, ("q", value), ("c", option))));
            }
        }

        Assert.Equal(1.0, total, 0.0053);
    }

    [Fact]
    public void Sample_OneObservation_DrawsNearItAsTheKernelsPredict()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", 0, 1), ["y"] = Hp.Uniform("y", 0, 1) });
        var columns = ObservationColumns.From(space, [Observation(0.9, 0.1)]);
        var options = TpeOptions.Default with { PriorWeight = 0.5, AdaptiveJointBandwidth = false };
        var estimator = MultivariateParzenEstimator.Fit(columns, [0, 1], [0], options);
        var random = new Random(7);

        var x = Index(space, "x");
        var y = Index(space, "y");
        var near = Enumerable.Range(0, 10_000).Select(_ => estimator.Sample(random)).Count(p => p[x] >= 0.8 && p[y] <= 0.2);

        // One observation: sigma = max(0.2 * range, range / min(100, n + 1)) = 0.5 (Optuna's clip). The kernel (weight
        // 1 of 1.5) puts 0.29 of its truncated mass on [0.8, 1] per axis (0.2 * phi(0.2) / 0.5 / 0.543), 0.085 in the
        // box; the prior (sigma = range, weight 0.5) ~0.04. Expected 2/3 * 0.085 + 1/3 * 0.04 = 0.070; binomial sd
        // over 10,000 draws 0.0026, so +-0.012 is over 4 sd.
        Assert.InRange(near / 10_000.0, 0.058, 0.082);
    }

    [Fact]
    public void LogDensity_BranchGroupOfNestedChoices_IntegratesToOne()
    {
        var space = TestSpaces.NestedChoices();
        var history = SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.NestedChoicesLoss, 30, seed: 4);
        var columns = ObservationColumns.From(space, history);
        int a = Index(space, "a"), inner = Index(space, "inner");
        var rows = Enumerable.Range(0, columns.Count).Where(row => columns.IsActive(a, row)).ToArray();
        var estimator = MultivariateParzenEstimator.Fit(columns, [a, inner], rows, TpeOptions.Default);

        // The group {a, inner}: a density over a in [0, 1] times a mass over the two inner options. Simpson's rule on
        // 2,000 intervals: sigmas are at least range / 100, so h^4 max|f''''| / 180 is far below the 1e-6 tolerance.
        var total = 0.0;
        for (var option = 0; option < 2; option++)
        {
            total += Simpson(value => Math.Exp(estimator.LogDensity([value, option])), 0, 1, 2000);
        }

        Assert.True(rows.Length is > 5 and < 30, $"{rows.Length} of 30 rows in the branch");
        Assert.Equal(1.0, total, 1e-6);
    }

    [Fact]
    public void Fit_AdaptiveBandwidth_LargerGapToTheSortedNeighboursClipped()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", 0, 1), ["y"] = Hp.Uniform("y", 0, 1) });
        var columns = ObservationColumns.From(space, [Observation(0.6, 0.5), Observation(0.1, 0.5), Observation(0.2, 0.5), Observation(0.9, 0.1)]);
        var options = TpeOptions.Default with { AdaptiveJointBandwidth = true };

        var estimator = MultivariateParzenEstimator.Fit(columns, [Index(space, "x")], [0, 1, 2], options);

        // Sorted with the prior mu 0.5: 0.1, 0.2, 0.5, 0.6. Gaps: 0.1 -> 0.1, 0.2 -> max(0.1, 0.3), 0.6 -> 0.1; clipped
        // to [range / min(100, 4 + 1), range] = [0.2, 1]; the prior keeps sigma = range. Kernels in row order, prior last.
        double[] expected = [0.2, 0.2, 0.3, 1.0];
        Assert.Equal(expected.Length, estimator.Sigmas(0).Length);
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], estimator.Sigmas(0)[k], 1e-12);
        }
    }

    private static int Index(SearchSpace space, string label) =>
        space.Parameters.Select((parameter, index) => (parameter, index)).Single(pair => pair.parameter.Label == label).index;

    private static double[] Point(SearchSpace space, params (string Label, double Value)[] values)
    {
        var point = new double[space.Parameters.Count];
        foreach (var (label, value) in values)
        {
            point[Index(space, label)] = value;
        }

        return point;
    }

    private static MultivariateParzenEstimator Fit(SearchSpace space, int observations, int seed, TpeOptions? options = null)
    {
        var random = new Random(seed);
        var history = Enumerable.Range(0, observations)
            .Select(_ => new TrialObservation(space.SamplePrior(random), random.NextDouble(), TrialStatus.Ok))
            .ToList();
        var columns = ObservationColumns.From(space, history);
        return MultivariateParzenEstimator.Fit(columns, [.. Enumerable.Range(0, space.Parameters.Count)], [.. Enumerable.Range(0, observations)], options ?? TpeOptions.Default);
    }

    private static TrialObservation Observation(double x, double y) =>
        new(new Dictionary<string, double?> { ["x"] = x, ["y"] = y }, 0.0, TrialStatus.Ok);

    private static double Simpson(Func<double, double> f, double a, double b, int intervals)
    {
        var h = (b - a) / intervals;
        var sum = f(a) + f(b);
        for (var i = 1; i < intervals; i++)
        {
            sum += f(a + (i * h)) * (i % 2 == 1 ? 4 : 2);
        }

        return sum * h / 3;
    }
}
