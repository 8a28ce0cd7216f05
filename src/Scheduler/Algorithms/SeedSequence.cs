namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Derives one independent generator per (experiment seed, trial number), so a point's randomness does not depend on
/// how many points were asked before it and a resumed experiment continues its sequence instead of replaying it.
/// </summary>
internal static class SeedSequence
{
    public static Random ForTrial(long seed, long trialNumber) => new(DeriveSeed(seed, trialNumber));

    internal static int DeriveSeed(long seed, long stream)
    {
        // SplitMix64 finalizers decorrelate neighbouring seeds and trial numbers before they reach System.Random.
        var mixed = Mix((ulong)seed) ^ Mix(unchecked((ulong)stream + 0x9E3779B97F4A7C15UL));
        return (int)(Mix(mixed) >> 33);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
