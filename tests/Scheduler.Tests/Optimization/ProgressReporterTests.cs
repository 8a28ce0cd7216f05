using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Scheduler.Tests.Optimization;

public sealed class ProgressReporterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExperimentEndedAsync_WithoutBar_WritesOnlyTheSummaryLine()
    {
        using var output = new StringWriter();
        var time = new FakeTimeProvider();
        double[] losses = [double.NaN, 2, 1];
        var calls = 0;

        await RunAsync(_ => losses[calls++], new ProgressReporter(output, drawBar: false, time), time, maxEvals: 3);

        Assert.Equal("Total trials: 3: 2 succeeded, 1 failed, 0 cancelled" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public async Task ExperimentEndedAsync_WithBar_RedrawsInPlaceThenWritesTheSummaryOnItsOwnLine()
    {
        using var output = new StringWriter();
        var time = new FakeTimeProvider();
        double[] losses = [0.5, 0.25];
        var calls = 0;

        await RunAsync(
            _ =>
            {
                time.Advance(TimeSpan.FromSeconds(30));
                return losses[calls++];
            },
            new ProgressReporter(output, drawBar: true, time),
            time,
            maxEvals: 4,
            lossThreshold: 0.3);

        var text = output.ToString();
        // Two trials of 30 s each, 2 of 4 done: 1 minute elapsed, so 1 minute left.
        Assert.Contains("\r2/4 [############............] 50% | 01:00 elapsed | ETA 01:00 | best loss: 0.25", text, StringComparison.Ordinal);
        Assert.EndsWith(Environment.NewLine + "Total trials: 2: 2 succeeded, 0 failed, 0 cancelled" + Environment.NewLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormatLine_BeforeAnyTrial_ShowsNoBestLossAndTheTimeoutAsEta()
    {
        var time = new FakeTimeProvider();
        var reporter = new ProgressReporter(TextWriter.Null, drawBar: false, time);
        var trials = new Trials();
        await reporter.ExperimentStartedAsync(
            new OptimizationStarted(trials.ExperimentId, TestSpaces.Unit(), "rand", null, 1, TimeSpan.FromMinutes(5), null, 1, trials, time.GetUtcNow()),
            Ct);
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("0 trials | 02:00 elapsed | ETA 03:00 | best loss: -", reporter.FormatLine(trials));
    }

    private static Task<FMinResult> RunAsync(
        Func<Contracts.TrialParameters, ObjectiveResult> objective,
        ProgressReporter reporter,
        TimeProvider time,
        int maxEvals,
        double? lossThreshold = null) =>
        OptimizationLoop.RunAsync(
            new OptimizationRequest
            {
                Objective = (context, _) => Task.FromResult(objective(context.Parameters)),
                Space = TestSpaces.Unit(),
                Algorithm = Algo.Rand(),
                Trials = new Trials(),
                MaxEvals = maxEvals,
                LossThreshold = lossThreshold,
                Seed = 1,
                TimeProvider = time,
                Observers = [reporter],
            },
            Ct);
}
