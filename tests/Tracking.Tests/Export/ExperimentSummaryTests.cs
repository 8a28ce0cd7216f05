using HyperQueue.Contracts;
using HyperQueue.Tracking.Export;

namespace HyperQueue.Tracking.Tests.Export;

public sealed class ExperimentSummaryTests
{
    [Fact]
    public void From_MixedTrials_CountsByStatusAndBestIsLowestOkLoss()
    {
        var trials = new[]
        {
            TrialExportTests.Trial(0, TrialStatus.Ok, 0.4, "{}"),
            TrialExportTests.Trial(1, TrialStatus.Fail, null, "{}"),
            TrialExportTests.Trial(2, TrialStatus.Ok, 0.2, "{}"),
            TrialExportTests.Trial(3, TrialStatus.Cancelled, null, "{}"),
            TrialExportTests.Trial(4, TrialStatus.Ok, 0.2, "{}"),
            TrialExportTests.Trial(5, null, null, "{}"),
        };

        var summary = ExperimentSummary.From(trials, top: 2);

        Assert.Equal((6, 3, 1, 1, 1), (summary.Total, summary.Ok, summary.Failed, summary.Cancelled, summary.Unfinished));
        Assert.Equal(2, summary.Best?.Number);
        Assert.Equal([2, 4], summary.Top.Select(trial => trial.Number));
    }

    [Fact]
    public void From_NoOkTrial_NoBest()
    {
        var summary = ExperimentSummary.From([TrialExportTests.Trial(0, TrialStatus.Fail, null, "{}")]);

        Assert.Null(summary.Best);
        Assert.Empty(summary.Top);
    }
}
