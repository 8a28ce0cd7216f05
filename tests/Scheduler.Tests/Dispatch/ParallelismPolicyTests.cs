using HyperQueue.Scheduler.Dispatch;

namespace HyperQueue.Scheduler.Tests.Dispatch;

public sealed class ParallelismPolicyTests
{
    [Theory]
    // requested, live slots, remaining -> effective, warnings
    [InlineData(null, 8, 100, 8, 0)]      // default = live slots
    [InlineData(null, 0, 100, 1, 0)]      // nobody registered yet: start with one
    [InlineData(null, 500, 1000, 128, 1)] // default clamped to the maximum
    [InlineData(6, 8, 60, 6, 0)]
    [InlineData(200, 1000, 1000, 128, 1)] // 200 -> 128
    [InlineData(16, 8, 100, 8, 1)]        // above the slots available
    [InlineData(50, 64, 10, 10, 1)]       // above the evaluations remaining
    [InlineData(200, 64, 10, 10, 3)]      // all three, in order
    public void Resolve_Table_ClampsWithOneWarningPerReduction(int? requested, int slots, int remaining, int effective, int warnings)
    {
        var decision = ParallelismPolicy.Resolve(requested, slots, remaining);

        Assert.Equal(effective, decision.Effective);
        Assert.Equal(warnings, decision.Warnings.Count);
    }

    [Fact]
    public void Resolve_200_WarnsWithTheValueUsed()
    {
        var decision = ParallelismPolicy.Resolve(200, 1000, 1000);

        Assert.Equal("parallelism 200 is above the maximum of 128; using 128", Assert.Single(decision.Warnings));
    }

    [Fact]
    public void Resolve_Zero_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelismPolicy.Resolve(0, 4, 4));
    }
}
