namespace HyperQueue.Scheduler.Objectives;

/// <summary>
/// The closed-form test functions of BENCHMARKS.md section 1 (minimize; f* is each function's global minimum).
/// Shared by the <c>hq</c> built-in objectives and the quality benchmark so both compute the same thing.
/// </summary>
internal static class BenchmarkFunctions
{
    public static double Branin(double x1, double x2)
    {
        const double b = 5.1 / (4 * Math.PI * Math.PI);
        const double c = 5 / Math.PI;
        const double r = 6;
        const double s = 10;
        const double t = 1 / (8 * Math.PI);
        var a = x2 - (b * x1 * x1) + (c * x1) - r;
        return (a * a) + (s * (1 - t) * Math.Cos(x1)) + s;
    }

    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] HartmannA =
    {
        { 10, 3, 17, 3.5, 1.7, 8 },
        { 0.05, 10, 17, 0.1, 8, 14 },
        { 3, 3.5, 1.7, 10, 17, 8 },
        { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] HartmannP =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
        { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 },
        { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    public static double Hartmann6(ReadOnlySpan<double> x)
    {
        if (x.Length != 6)
        {
            throw new ArgumentException($"hartmann6 takes 6 coordinates, got {x.Length}", nameof(x));
        }

        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++)
            {
                var d = x[j] - HartmannP[i, j];
                inner += HartmannA[i, j] * d * d;
            }

            sum += HartmannAlpha[i] * Math.Exp(-inner);
        }

        return -sum;
    }

    /// <summary>Six-hump camel.</summary>
    public static double Camel(double x1, double x2)
    {
        var x1Squared = x1 * x1;
        var x2Squared = x2 * x2;
        return ((4 - (2.1 * x1Squared) + (x1Squared * x1Squared / 3)) * x1Squared) + (x1 * x2) + ((-4 + (4 * x2Squared)) * x2Squared);
    }

    public static double Rosenbrock2(double x1, double x2)
    {
        var a = x2 - (x1 * x1);
        var b = x1 - 1;
        return (100 * a * a) + (b * b);
    }

    public static double StyblinskiTang(ReadOnlySpan<double> x)
    {
        var sum = 0.0;
        foreach (var xi in x)
        {
            var square = xi * xi;
            sum += (square * square) - (16 * square) + (5 * xi);
        }

        return 0.5 * sum;
    }
}
