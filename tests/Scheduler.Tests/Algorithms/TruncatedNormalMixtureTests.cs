using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class TruncatedNormalMixtureTests
{
    private static readonly double[] Weights = [1.0, 2.0, 0.5];

    [Fact]
    public void LogDensity_BoundedContinuous_IntegratesToOne()
    {
        var mixture = new TruncatedNormalMixture(Weights, [0.1, 0.5, 1.2], [0.3, 0.2, 0.5], NumericDomain.Bounded(0, 1, null, isLog: false));

        // Simpson's rule on 20,000 intervals: the error bound h^4 * max|f''''| / 180 is below 1e-12 for these sigmas.
        var integral = Simpson(x => Math.Exp(mixture.LogDensity(x)), 0, 1, 20_000);

        Assert.Equal(1.0, integral, 1e-6);
    }

    [Fact]
    public void LogDensity_LogUniformFamily_IntegratesToOneOverValues()
    {
        var low = Math.Log(1e-3);
        var mixture = new TruncatedNormalMixture(Weights, [-6, -3, -1], [1.0, 0.5, 2.0], NumericDomain.Bounded(low, 0, null, isLog: true));

        // Substituting v = e^u: the integral of p(v) dv over [e^low, 1] is the integral of p(e^u) e^u du over [low, 0].
        var integral = Simpson(u => Math.Exp(mixture.LogDensity(Math.Exp(u)) + u), low, 0, 20_000);

        Assert.Equal(1.0, integral, 1e-6);
    }

    [Fact]
    public void LogDensity_UnboundedNormalFamily_IntegratesToOne()
    {
        var mixture = new TruncatedNormalMixture(Weights, [-1, 0, 2], [0.5, 1.0, 1.5], NumericDomain.Unbounded(0, 1, null, isLog: false));

        // 12 of the widest sigma on each side leaves a tail mass below 1e-30.
        var integral = Simpson(x => Math.Exp(mixture.LogDensity(x)), -19, 20, 40_000);

        Assert.Equal(1.0, integral, 1e-6);
    }

    [Fact]
    public void LogDensity_Quantized_MassesSumToOne()
    {
        var mixture = new TruncatedNormalMixture(Weights, [1, 5, 9], [0.5, 2.0, 3.0], NumericDomain.Bounded(0, 10, 0.5, isLog: false));

        // round(x / 0.5) * 0.5 for x in [0, 10] takes the values 0, 0.5, ..., 10; their cells tile [0, 10] exactly.
        var total = Enumerable.Range(0, 21).Sum(k => Math.Exp(mixture.LogDensity(k * 0.5)));

        Assert.Equal(1.0, total, 1e-6);
    }

    [Fact]
    public void LogDensity_QuantizedLogFamily_MassesSumToOne()
    {
        var mixture = new TruncatedNormalMixture(Weights, [0.5, 2, 4], [0.5, 1.0, 1.0], NumericDomain.Bounded(0, Math.Log(100), 1, isLog: true));

        // Values round(e^u) for u in [0, log 100] are 1..100; their cells [v - 1/2, v + 1/2] clipped to [1, 100] tile it.
        var total = Enumerable.Range(1, 100).Sum(v => Math.Exp(mixture.LogDensity(v)));

        Assert.Equal(1.0, total, 1e-6);
    }

    [Fact]
    public void LogDensity_QuantizedNormalFamily_MassesSumToOne()
    {
        var mixture = new TruncatedNormalMixture(Weights, [-1, 0, 2], [0.5, 1.0, 1.5], NumericDomain.Unbounded(0, 1, 0.5, isLog: false));

        // Cells of width 0.5 from -100 to 100 cover all but a tail mass below 1e-30.
        var total = Enumerable.Range(-200, 401).Sum(k => Math.Exp(mixture.LogDensity(k * 0.5)));

        Assert.Equal(1.0, total, 1e-6);
    }

    [Fact]
    public void LogDensity_OutsideBounds_IsZero()
    {
        var mixture = new TruncatedNormalMixture(Weights, [0.1, 0.5, 1.2], [0.3, 0.2, 0.5], NumericDomain.Bounded(0, 1, null, isLog: false));

        Assert.Equal(double.NegativeInfinity, mixture.LogDensity(1.01));
        Assert.Equal(double.NegativeInfinity, mixture.LogDensity(-0.01));
    }

    [Fact]
    public void Sample_Truncated_StaysInsideBoundsAndOnTheGrid()
    {
        // Most of the mass of the component at 12 lies outside [0, 10]: rejection must keep every draw inside.
        var mixture = new TruncatedNormalMixture([1.0, 1.0], [2, 12], [1.0, 3.0], NumericDomain.Bounded(0, 10, 0.5, isLog: false));
        var random = new Random(7);

        var samples = Enumerable.Range(0, 10_000).Select(_ => mixture.Sample(random)).ToList();

        Assert.All(samples, s => Assert.InRange(s, 0, 10));
        Assert.All(samples, s => Assert.Equal(0, s % 0.5));
    }

    [Fact]
    public void Sample_Continuous_MatchesTheDensity()
    {
        var mixture = new TruncatedNormalMixture(Weights, [0.1, 0.5, 1.2], [0.3, 0.2, 0.5], NumericDomain.Bounded(0, 1, null, isLog: false));
        var random = new Random(11);
        const int Draws = 100_000;

        var below = Enumerable.Range(0, Draws).Count(_ => mixture.Sample(random) < 0.5) / (double)Draws;
        var expected = Simpson(x => Math.Exp(mixture.LogDensity(x)), 0, 0.5, 10_000);

        // A binomial proportion over 100,000 draws has a standard error below 0.0016; 5 standard errors is 0.008.
        Assert.Equal(expected, below, 0.008);
    }

    private static double Simpson(Func<double, double> f, double a, double b, int intervals)
    {
        var h = (b - a) / intervals;
        var sum = f(a) + f(b);
        for (var i = 1; i < intervals; i++)
        {
            sum += f(a + i * h) * (i % 2 == 1 ? 4 : 2);
        }

        return sum * h / 3;
    }
}
