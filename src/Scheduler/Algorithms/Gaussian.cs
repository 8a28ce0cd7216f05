namespace HyperQueue.Scheduler.Algorithms;

/// <summary>The normal distribution function and sampler the estimators share.</summary>
internal static class Gaussian
{
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

        return 0.5 * Erfc(-(x - mu) / (sigma * Math.Sqrt(2)));
    }

    /// <summary>
    /// Complementary error function by the Chebyshev fit of Numerical Recipes (erfcc), fractional error below 1.2e-7,
    /// one exp per call: quantized scoring calls it twice per kernel and candidate, so speed matters more than the
    /// last digits, and the masses of adjacent cells still telescope exactly to the total.
    /// </summary>
    public static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1.0 / (1.0 + 0.5 * z);
        var polynomial = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
        var tail = t * Math.Exp(polynomial);
        return x >= 0 ? tail : 2.0 - tail;
    }

    /// <summary>A standard normal draw by Box-Muller, from the caller's seeded generator only.</summary>
    public static double SampleStandard(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
