using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Tests.Optimization;

public sealed class EarlyStopTests
{
    [Theory]
    // Hyperopt's counting: the first ok trial counts 1; an improvement resets to 0.
    [InlineData(new[] { 5.0 }, 0.0, 1)]
    [InlineData(new[] { 5.0, 6.0, 7.0 }, 0.0, 3)]
    [InlineData(new[] { 5.0, 4.0 }, 0.0, 0)]
    [InlineData(new[] { 5.0, 4.0, 4.0, 9.0 }, 0.0, 2)]
    // With 10 %, beating 5 needs a loss below 4.5: 4.6 is no progress, 4.4 is.
    [InlineData(new[] { 5.0, 4.6 }, 10.0, 2)]
    [InlineData(new[] { 5.0, 4.4 }, 10.0, 0)]
    // A negative best: the threshold is best - |best| * p, so -10 needs below -11 with 10 %.
    [InlineData(new[] { -10.0, -10.5 }, 10.0, 2)]
    [InlineData(new[] { -10.0, -11.5 }, 10.0, 0)]
    public void CountWithoutProgress_OkLosses_CountsLikeHyperopt(double[] losses, double percentIncrease, int expected)
    {
        var completed = Completed([.. losses.Select(loss => ObjectiveResult.Ok(loss))]);

        Assert.Equal(expected, EarlyStop.CountWithoutProgress(completed, percentIncrease));
    }

    [Fact]
    public void CountWithoutProgress_FailedNaNAndCancelledTrials_AreSkipped()
    {
        var completed = Completed(
            ObjectiveResult.Fail("x"),
            ObjectiveResult.Ok(5),
            ObjectiveResult.Ok(double.NaN),
            ObjectiveResult.Cancelled("timeout"),
            ObjectiveResult.Ok(6));

        Assert.Equal(2, EarlyStop.CountWithoutProgress(completed, 0));
    }

    [Fact]
    public void NoProgressLoss_ReachingTheCount_ReturnsTrueOnlyThen()
    {
        var stop = EarlyStop.NoProgressLoss(iterationStopCount: 2);

        Assert.False(stop(Completed(ObjectiveResult.Ok(1))));
        Assert.True(stop(Completed(ObjectiveResult.Ok(1), ObjectiveResult.Ok(1))));
    }

    [Fact]
    public void NoProgressLoss_InvalidArguments_FailNamingTheRule()
    {
        var count = Assert.Throws<ArgumentOutOfRangeException>(() => EarlyStop.NoProgressLoss(0));
        var percent = Assert.Throws<ArgumentOutOfRangeException>(() => EarlyStop.NoProgressLoss(3, -1));

        Assert.StartsWith("no_progress_loss: iterationStopCount (0) must be at least 1", count.Message, StringComparison.Ordinal);
        Assert.StartsWith("no_progress_loss: percentIncrease (-1) must be a finite number >= 0", percent.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<TrialRecord> Completed(params ObjectiveResult[] results)
    {
        var trials = new Trials();
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        foreach (var result in results)
        {
            var running = trials.AddRunning(Guid.NewGuid(), new Dictionary<string, double?>(), new Contracts.TrialParameters(default), at);
            trials.Complete(running.Id, result, at);
        }

        return trials.Completed;
    }
}
