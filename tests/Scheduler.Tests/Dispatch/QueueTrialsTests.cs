using System.Text.Json;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;
using HyperQueue.Worker.Objectives;
using StoredTrial = HyperQueue.Tracking.Trials.TrialRecord;
using StoredTrialState = HyperQueue.Tracking.Trials.TrialState;

namespace HyperQueue.Scheduler.Tests.Dispatch;

public sealed class QueueTrialsTests : IDisposable
{
    private const string Experiment = "resume-api";

    private static readonly SearchSpace Space = SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", 0, 1) });

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hq-queue-trials-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task ResumeAsync_ExperimentWithATrialLeftRunning_ContinuesInTheSameParentRunAndRecordsThatTrialWithItsLoss()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var tracking = TrackingClient.Create("sqlite:" + Path.Combine(_directory.FullName, "runs.db"));
        await tracking.InitializeAsync(cancellationToken);
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("x", (context, _) => Task.FromResult<ObjectiveResult>(context.Parameters.GetDouble("x"))),
            slots: 2,
            cancellationToken: cancellationToken);
        var first = new QueueTrials(backend, "x", parallelism: 2);
        await FMin.MinimizeAsync(first, Space, Algo.Rand(), maxEvals: 4, seed: 2, showProgress: false, tracking: tracking, experimentName: Experiment, cancellationToken: cancellationToken);
        var experimentId = (await tracking.FindExperimentAsync(Experiment, cancellationToken))!.ExperimentId;
        var parentRunId = (await tracking.ListTrialsAsync(experimentId, cancellationToken: cancellationToken))[0].ParentRunId!;
        // What a scheduler that died leaves behind: trial 4 recorded as running, with its child run, and no result.
        var leftRunning = await RecordRunningTrialAsync(tracking, experimentId, parentRunId, number: 4, x: 0.375, cancellationToken);

        var resumed = await QueueTrials.ResumeAsync(
            backend, tracking, Experiment, "x", parallelism: 2, options: new QueueTrialsOptions { ReapInterval = TimeSpan.FromMilliseconds(50) },
            cancellationToken: cancellationToken);
        Assert.NotNull(resumed);
        await FMin.MinimizeAsync(resumed, Space, Algo.Rand(), maxEvals: 7, showProgress: false, tracking: tracking, experimentName: Experiment, cancellationToken: cancellationToken);

        Assert.Equal(first.ExperimentId, resumed.ExperimentId);
        Assert.Equal(first.Seed, resumed.Seed);
        Assert.Equal(first.All.Select(trial => trial.Id), resumed.All.Take(4).Select(trial => trial.Id));
        var stored = await tracking.ListTrialsAsync(experimentId, cancellationToken: cancellationToken);
        Assert.Equal(Enumerable.Range(0, 7), stored.Select(trial => trial.Number).Order());
        Assert.All(stored, trial => Assert.Equal(parentRunId, trial.ParentRunId));
        Assert.All(stored, trial => Assert.Equal((StoredTrialState.Done, trial.Parameters.GetProperty("x").GetDouble()), (trial.State, trial.Loss!.Value)));
        var taken = Assert.Single(stored, trial => trial.TrialId == leftRunning.TrialId);
        Assert.Equal((leftRunning.RunId, 0.375), (taken.RunId, taken.Loss));
        Assert.Equal(0.375, (await tracking.GetRunAsync(leftRunning.RunId, cancellationToken))!.Metrics["loss"].Value);
    }

    [Fact]
    public async Task ResumeAsync_ExperimentNeverRun_ReturnsNull()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var tracking = TrackingClient.Create("sqlite:" + Path.Combine(_directory.FullName, "runs.db"));
        await tracking.InitializeAsync(cancellationToken);
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("x", (_, _) => Task.FromResult<ObjectiveResult>(0)), slots: 1, cancellationToken: cancellationToken);

        var resumed = await QueueTrials.ResumeAsync(backend, tracking, "never-run", "x", cancellationToken: cancellationToken);

        Assert.Null(resumed);
    }

    private static async Task<StoredTrial> RecordRunningTrialAsync(
        TrackingClient tracking, string experimentId, string parentRunId, int number, double x, CancellationToken cancellationToken)
    {
        var run = await tracking.CreateRunAsync(experimentId, $"trial {number}", parentRunId, cancellationToken: cancellationToken);
        var trial = new StoredTrial
        {
            TrialId = Guid.NewGuid(),
            ExperimentId = experimentId,
            RunId = run.RunId,
            ParentRunId = parentRunId,
            Number = number,
            State = StoredTrialState.Running,
            RawValues = new Dictionary<string, double?> { ["x"] = x },
            Parameters = JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["x"] = x }),
            Attempts = 1,
            StartedAt = DateTimeOffset.UnixEpoch,
        };
        await tracking.UpsertTrialAsync(trial, cancellationToken);
        return trial;
    }
}
