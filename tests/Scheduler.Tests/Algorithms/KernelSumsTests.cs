using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class KernelSumsTests
{
    // 37 kernels: nine full vectors of four lanes and a scalar remainder of one.
    private static readonly double[] Mus = [.. Enumerable.Range(0, 37).Select(i => -3.0 + (0.17 * i))];
    private static readonly double[] InverseSigmas = [.. Enumerable.Range(0, 37).Select(i => 1.0 / (0.05 + (0.01 * (i % 7))))];
    private static readonly double[] Weights = [.. Enumerable.Range(0, 37).Select(i => 0.2 + (0.1 * (i % 5)))];

    [Theory]
    [InlineData(-1.3)]
    [InlineData(2.95)]
    public void GaussianLogTerms_VectorLanes_MatchTheScalarFormula(double x)
    {
        var coefficients = Weights.Select(w => Math.Log(w)).ToArray();
        var terms = new double[Mus.Length];

        var max = KernelSums.GaussianLogTerms(x, Mus, InverseSigmas, coefficients, terms);

        for (var i = 0; i < Mus.Length; i++)
        {
            var z = (x - Mus[i]) * InverseSigmas[i];
            // The same operations in the same order per lane: equal up to one rounding of the fused multiply.
            Assert.Equal(coefficients[i] - (0.5 * z * z), terms[i], 1e-12);
        }

        Assert.Equal(terms.Max(), max);
    }

    [Fact]
    public void SumExp_VectorLanes_MatchTheScalarSum()
    {
        double[] terms = [.. Enumerable.Range(0, 37).Select(i => -0.7 * i)];

        var sum = KernelSums.SumExp(terms, -2.0);

        // Vector exp is accurate to a few ulps; 37 terms of at most e^2 keep the sum within 1e-13 relative.
        Assert.Equal(terms.Sum(t => Math.Exp(t + 2.0)), sum, 1e-12);
    }

    [Theory]
    [InlineData(-1.0, -0.5)]
    [InlineData(2.5, 3.5)]
    [InlineData(double.NegativeInfinity, 0.25)]
    [InlineData(1.0, double.PositiveInfinity)]
    public void CellMasses_VectorLanes_MatchTheCdfDifferences(double lower, double upper)
    {
        var expected = 0.0;
        for (var i = 0; i < Mus.Length; i++)
        {
            var sigma = 1.0 / InverseSigmas[i];
            expected += Weights[i] * (Gaussian.Cdf(upper, Mus[i], sigma) - Gaussian.Cdf(lower, Mus[i], sigma));
        }

        var mass = KernelSums.CellMasses(lower, upper, Mus, InverseSigmas, Weights);

        // The same Chebyshev erfc (fractional error 1.2e-7) on both sides; the tail-side differences only gain digits.
        Assert.Equal(expected, mass, 1e-6);
    }

    [Fact]
    public void LogInPlace_VectorLanes_MatchMathLog()
    {
        var values = Weights.ToArray();

        KernelSums.LogInPlace(values, 0.5);

        Assert.Equal(Weights.Select(w => Math.Log(w) + 0.5), values, (a, b) => Math.Abs(a - b) < 1e-14);
    }
}
