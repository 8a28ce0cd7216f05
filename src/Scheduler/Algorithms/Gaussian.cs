namespace HyperQueue.Scheduler.Algorithms;

/// <summary>The normal density, distribution function and sampler the estimators share.</summary>
internal static class Gaussian
{
    private static readonly double LogSqrtTwoPi = 0.5 * Math.Log(2 * Math.PI);

    public static double LogPdf(double x, double mu, double sigma)
    {
        var z = (x - mu) / sigma;
        return -0.5 * z * z - Math.Log(sigma) - LogSqrtTwoPi;
    }

    /// <summary>Phi((x - mu) / sigma); exact at the infinities so truncation bounds may be unbounded.</summary>
    public static double Cdf(double x, double mu, double sigma)
    {
        if (double.IsNegativeInfinity(x))
        {
            return 0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 1;
        }

        return 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-(x - mu) / (sigma * Math.Sqrt(2)));
    }

    /// <summary>A standard normal draw by Box-Muller, from the caller's seeded generator only.</summary>
    public static double SampleStandard(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
