using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Tests.Autolog;

/// <summary>hyperopt + MLflow's rules for local fmin: parent run per call unless a run is active, a child per trial.</summary>
public sealed class AutologObserverTests : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hq-autolog-").FullName;
    private readonly TrackingClient _tracking;

    public AutologObserverTests() => _tracking = TrackingClient.Create($"sqlite:{Path.Combine(_directory, "runs.db")}");

    public async ValueTask DisposeAsync()
    {
        await _tracking.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static readonly SearchSpace Space = SearchSpace.Create(new Dictionary<string, object?>
    {
        ["x"] = Hp.Uniform("x", -2, 2),
        ["kind"] = Hp.Choice("kind", "a", "b"),
    });

    // Trial 1 fails so that child statuses follow trial statuses.
    private static ObjectiveResult Objective(TrialParameters p) =>
        p.GetString("kind") == "b" && p.GetDouble("x") > 1.5 ? ObjectiveResult.Fail("too far") : p.GetDouble("x") * p.GetDouble("x");

    [Fact]
    public async Task FMin_NoActiveRun_CreatesAParentRunAndEndsIt_WithAChildPerTrial()
    {
        await _tracking.InitializeAsync(TestContext.Current.CancellationToken);

        var result = await FMin.MinimizeAsync(
            Objective, Space, algo: Algo.Rand(), maxEvals: 6, seed: 4, showProgress: false, tracking: _tracking, experimentName: "local",
            cancellationToken: TestContext.Current.CancellationToken);

        var experiment = await _tracking.GetExperimentByNameAsync("local", TestContext.Current.CancellationToken);
        var runs = await _tracking.SearchRunsAsync(new RunSearch { ExperimentId = experiment!.ExperimentId }, TestContext.Current.CancellationToken);
        var parent = Assert.Single(runs.Items, run => run.ParentRunId is null);
        Assert.Equal(RunStatus.Finished, parent.Status);
        var children = runs.Items.Where(run => run.ParentRunId == parent.RunId).ToList();
        Assert.Equal(6, children.Count);
        var expected = result.Trials.All.Select(t => t.Status == TrialStatus.Ok ? RunStatus.Finished : RunStatus.Failed).Order();
        Assert.Equal(expected, children.Select(c => c.Status).Order());
        var best = await _tracking.GetRunAsync(children.Single(c => c.RunName == $"trial {result.BestTrial.Number}").RunId, TestContext.Current.CancellationToken);
        Assert.Equal(result.BestLoss, best!.Metrics["loss"].Value);
        Assert.Equal(result.BestParameters!.GetString("kind"), best.Params["kind"]);
    }

    [Fact]
    public async Task FMin_TwiceInAnActiveRun_LogsIntoItLeavesItOpenAndSuffixesConflictingParams()
    {
        await _tracking.InitializeAsync(TestContext.Current.CancellationToken);
        var experiment = await _tracking.GetOrCreateExperimentAsync("active", TestContext.Current.CancellationToken);
        await using var active = await _tracking.StartRunAsync(experiment.ExperimentId, "outer", makeActive: true, cancellationToken: TestContext.Current.CancellationToken);

        await FMin.MinimizeAsync(Objective, Space, algo: Algo.Rand(), maxEvals: 3, seed: 1, showProgress: false, tracking: _tracking,
            cancellationToken: TestContext.Current.CancellationToken);
        await FMin.MinimizeAsync(Objective, Space, algo: Algo.Rand(), maxEvals: 4, seed: 2, showProgress: false, tracking: _tracking,
            cancellationToken: TestContext.Current.CancellationToken);

        var outer = await _tracking.GetRunAsync(active.RunId, TestContext.Current.CancellationToken);
        Assert.Equal(RunStatus.Running, outer!.Info.Status);
        Assert.Equal("3", outer.Params["max_evals"]);
        Assert.Contains(outer.Params, p => p.Key.StartsWith("max_evals_", StringComparison.Ordinal) && p.Value == "4");
        var children = await _tracking.SearchRunsAsync(
            new RunSearch { ExperimentId = experiment.ExperimentId, ParentRunId = active.RunId }, TestContext.Current.CancellationToken);
        Assert.Equal(7, children.Items.Count);
    }
}
