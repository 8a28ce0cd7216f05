namespace HyperQueue.Scheduler.Tests.Spaces;

/// <summary>Frequency checks for seeded samplers.</summary>
internal static class BinomialAssert
{
    /// <summary>
    /// A count of hits in n independent draws is Binomial(n, p): mean n*p, standard deviation sqrt(n*p*(1-p)).
    /// Five standard deviations bound a correct sampler's deviation except with probability below 1e-6 (normal
    /// approximation), while a wrong probability of a few percent at n = 20000 lies far outside.
    /// </summary>
    public static void Frequency(double expectedProbability, int hits, int draws, string what)
    {
        var mean = draws * expectedProbability;
        var tolerance = 5 * Math.Sqrt(draws * expectedProbability * (1 - expectedProbability));
        Assert.True(
            Math.Abs(hits - mean) <= tolerance,
            $"{what}: {hits} hits in {draws} draws, expected {mean:F1} +- {tolerance:F1} (p = {expectedProbability:R})");
    }
}
