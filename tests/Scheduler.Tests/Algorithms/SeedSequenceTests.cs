using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class SeedSequenceTests
{
    [Fact]
    public void DeriveSeed_NeighbouringSeedsAndTrials_GiveDistinctStreams()
    {
        var seeds = new HashSet<int>();
        for (long seed = 0; seed < 50; seed++)
        {
            for (var trial = 0; trial < 200; trial++)
            {
                seeds.Add(SeedSequence.DeriveSeed(seed, trial));
            }
        }

        // 10,000 draws from 2^31 values collide with probability about 10,000^2 / 2^32 = 2.3%; allow at most 2.
        Assert.True(seeds.Count >= 9_998, $"{seeds.Count} distinct seeds");
    }

    [Fact]
    public void ForTrial_SameInputs_SameStream() =>
        Assert.Equal(SeedSequence.ForTrial(42, 7).NextDouble(), SeedSequence.ForTrial(42, 7).NextDouble());
}
