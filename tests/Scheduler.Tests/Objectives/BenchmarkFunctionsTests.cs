using HyperQueue.Scheduler.Objectives;

namespace HyperQueue.Scheduler.Tests.Objectives;

public sealed class BenchmarkFunctionsTests
{
    // Known minimizers from the literature; the values must match BENCHMARKS.md's f* to its printed precision.
    [Theory]
    [InlineData(-Math.PI, 12.275)]
    [InlineData(Math.PI, 2.275)]
    [InlineData(9.42478, 2.475)]
    public void Branin_AtEachGlobalMinimizer_Is0397887(double x1, double x2)
    {
        Assert.Equal(0.397887, BenchmarkFunctions.Branin(x1, x2), 5);
    }

    [Fact]
    public void Hartmann6_AtGlobalMinimizer_IsMinus332237()
    {
        double[] minimizer = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];

        Assert.Equal(-3.32237, BenchmarkFunctions.Hartmann6(minimizer), 4);
    }

    [Theory]
    [InlineData(0.0898, -0.7126)]
    [InlineData(-0.0898, 0.7126)]
    public void Camel_AtGlobalMinimizers_IsMinus10316(double x1, double x2)
    {
        Assert.Equal(-1.0316, BenchmarkFunctions.Camel(x1, x2), 4);
    }

    [Fact]
    public void Rosenbrock2_AtOneOne_IsZero_AndPositiveElsewhere()
    {
        Assert.Equal(0, BenchmarkFunctions.Rosenbrock2(1, 1));
        Assert.Equal(101, BenchmarkFunctions.Rosenbrock2(0, 1), 12);
    }

    [Fact]
    public void StyblinskiTang4_AtGlobalMinimizer_IsMinus156664()
    {
        double[] minimizer = [-2.903534, -2.903534, -2.903534, -2.903534];

        // 4 x -39.16617 = -156.66466; BENCHMARKS.md prints it truncated to -156.664.
        Assert.InRange(BenchmarkFunctions.StyblinskiTang(minimizer), -156.6647, -156.6646);
    }
}
