using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Objectives;
using HyperQueue.Worker.Tests.Trials;
using HyperQueue.Worker.Tracking;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace HyperQueue.Worker.Tests.Tracking;

/// <summary>Objectives on a worker log into their trial's child run in a temp SQLite store, through <c>context.Run</c>.</summary>
public sealed class TrackingRunLoggerFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hq-worker-tracking-").FullName;

    private string TrackingUri => $"sqlite:{Path.Combine(_directory, "runs.db")}";

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Consume_ObjectiveLogsIntoContextRun_ParamMetricAndTagLandInTheChildRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var runs = await CreateRunsAsync(TrackingUri);
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker.AddObjective("logs", async (context, token) =>
        {
            var run = context.Run ?? throw new InvalidOperationException("the objective got no run");
            await run.LogParamAsync("batch_size", "32", token);
            await run.LogMetricAsync("val_loss", 0.25, step: 2, token);
            await run.SetTagAsync("device", "cpu", token);
            return context.Parameters.GetDouble("x");
        }));
        var message = await harness.CreateTrialAsync("logs") with { RunId = runs.ChildRunId, ParentRunId = runs.ParentRunId, TrackingUri = TrackingUri };

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.True(completed.Status == TrialStatus.Ok, completed.Error?.Message);
        await using var client = TrackingClient.Create(TrackingUri);
        var child = await client.GetRunAsync(runs.ChildRunId, ct);
        Assert.Equal("32", child!.Params["batch_size"]);
        Assert.Equal((0.25, 2L), (child.Metrics["val_loss"].Value, child.Metrics["val_loss"].Step));
        Assert.Equal("cpu", child.Tags["device"]);
        // Logging into the child never touches its parent, and never ends the child (the scheduler does).
        var parent = await client.GetRunAsync(runs.ParentRunId, ct);
        Assert.Empty(parent!.Params);
        Assert.DoesNotContain("device", parent.Tags.Keys);
        Assert.Equal(RunStatus.Running, child.Info.Status);
    }

    [Fact]
    public async Task Consume_CommandObjectiveMetricLines_LandInTheChildRunWithTheirSteps()
    {
        var ct = TestContext.Current.CancellationToken;
        var runs = await CreateRunsAsync(TrackingUri);
        const string Script = """
            cat > /dev/null
            for step in 0 1 2; do echo "{\"metric\": \"partial\", \"value\": $step.5, \"step\": $step}"; done
            echo 0.75
            """;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddCommandObjective("script", new CommandObjectiveDefinition(["sh", "-c", Script])));
        var message = await harness.CreateTrialAsync("script") with { RunId = runs.ChildRunId, ParentRunId = runs.ParentRunId, TrackingUri = TrackingUri };

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.True(completed.Status == TrialStatus.Ok, completed.Error?.Message);
        Assert.Equal(0.75, completed.Loss);
        await using var client = TrackingClient.Create(TrackingUri);
        var history = await client.GetMetricHistoryAsync(runs.ChildRunId, "partial", ct);
        Assert.Equal([(0L, 0.5), (1L, 1.5), (2L, 2.5)], history.Select(metric => (metric.Step, metric.Value)));
    }

    [Fact]
    public async Task Consume_WorkerHasItsOwnTrackingUri_LogsThereNotToTheMessageHint()
    {
        var ct = TestContext.Current.CancellationToken;
        var runs = await CreateRunsAsync(TrackingUri);
        var unreachableHint = Path.Combine(_directory, "scheduler-only.db");
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker
            .Configure(options => options.TrackingUri = TrackingUri)
            .AddObjective("logs", async (context, token) =>
            {
                await context.Run!.SetTagAsync("where", context.TrackingUri!, token);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("logs") with { RunId = runs.ChildRunId, TrackingUri = $"sqlite:{unreachableHint}" };

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.True(completed.Status == TrialStatus.Ok, completed.Error?.Message);
        await using var client = TrackingClient.Create(TrackingUri);
        Assert.Equal(TrackingUri, (await client.GetRunAsync(runs.ChildRunId, ct))!.Tags["where"]);
        Assert.False(File.Exists(unreachableHint));
    }

    [Fact]
    public async Task Consume_TrackingUriIsAServiceUrl_TrialRunsWithoutARunAndSucceeds()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("probe", (context, _) => Task.FromResult<ObjectiveResult>(context.Run is null ? 0 : 1)));
        var message = await harness.CreateTrialAsync("probe") with { RunId = "0123456789abcdef0123456789abcdef", TrackingUri = "https://tracking.example" };

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(0.0, completed.Loss);
    }

    [Theory]
    [InlineData(null, "sqlite:runs.db")]
    [InlineData("", "sqlite:runs.db")]
    [InlineData("0123456789abcdef0123456789abcdef", null)]
    [InlineData("0123456789abcdef0123456789abcdef", " ")]
    public async Task Create_NoRunIdOrNoTrackingUri_ReturnsNull(string? runId, string? trackingUri)
    {
        await using var factory = new TrackingRunLoggerFactory(TimeProvider.System, NullLoggerFactory.Instance);

        Assert.Null(factory.Create(Message() with { RunId = runId }, trackingUri));
    }

    [Fact]
    public async Task Create_ManyTrialsAtOnceOnOneUri_EveryLoggerWritesIntoItsOwnRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var runs = await CreateRunsAsync(TrackingUri);
        var childRunIds = new List<string>();
        await using (var seed = TrackingClient.Create(TrackingUri))
        {
            for (var i = 0; i < 16; i++)
            {
                childRunIds.Add((await seed.CreateRunAsync(runs.ExperimentId, $"trial {i}", runs.ParentRunId, cancellationToken: ct)).RunId);
            }
        }

        await using (var factory = new TrackingRunLoggerFactory(TimeProvider.System, NullLoggerFactory.Instance))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, childRunIds.Count), ct, async (i, token) =>
            {
                var logger = factory.Create(Message() with { RunId = childRunIds[i] }, TrackingUri)!;
                Assert.Equal(childRunIds[i], logger.RunId);
                await logger.LogMetricAsync("index", i, cancellationToken: token);
            });
        }

        await using var client = TrackingClient.Create(TrackingUri);
        for (var i = 0; i < childRunIds.Count; i++)
        {
            Assert.Equal(i, (await client.GetRunAsync(childRunIds[i], ct))!.Metrics["index"].Value);
        }
    }

    [Fact]
    public async Task Create_AfterDispose_Throws()
    {
        var factory = new TrackingRunLoggerFactory(TimeProvider.System, NullLoggerFactory.Instance);
        Assert.NotNull(factory.Create(Message() with { RunId = "0123456789abcdef0123456789abcdef" }, TrackingUri));

        await factory.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => factory.Create(Message() with { RunId = "0123456789abcdef0123456789abcdef" }, TrackingUri));
    }

    [Fact]
    public void AddHyperQueueWorker_NoFactoryRegistered_RegistersTheTrackingFactory_ElseKeepsTheOneGiven()
    {
        var custom = new NoRunLoggerFactory();
        var byDefault = new ServiceCollection().AddHyperQueueWorker(worker => worker.AddObjective("a", (_, _) => Task.FromResult<ObjectiveResult>(1)));
        var replaced = new ServiceCollection()
            .AddSingleton<ITrialRunLoggerFactory>(custom)
            .AddHyperQueueWorker(worker => worker.AddObjective("a", (_, _) => Task.FromResult<ObjectiveResult>(1)));

        var registered = Assert.Single(byDefault, service => service.ServiceType == typeof(ITrialRunLoggerFactory));
        Assert.Equal(typeof(TrackingRunLoggerFactory), registered.ImplementationType);
        Assert.Same(custom, Assert.Single(replaced, service => service.ServiceType == typeof(ITrialRunLoggerFactory)).ImplementationInstance);
    }

    private static async Task<SeededRuns> CreateRunsAsync(string trackingUri)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var client = TrackingClient.Create(trackingUri);
        var experiment = await client.GetOrCreateExperimentAsync("worker-tracking", ct);
        var parent = await client.CreateRunAsync(experiment.ExperimentId, "fmin", cancellationToken: ct);
        var child = await client.CreateRunAsync(experiment.ExperimentId, "trial 3", parent.RunId, cancellationToken: ct);
        return new SeededRuns(experiment.ExperimentId, parent.RunId, child.RunId);
    }

    private static EvaluateTrial Message() => new()
    {
        ExperimentId = Guid.NewGuid(),
        TrialId = Guid.NewGuid(),
        TrialNumber = 0,
        Objective = "any",
        Parameters = JsonDocument.Parse("{}").RootElement.Clone(),
        RawValues = new Dictionary<string, double?>(),
    };

    private sealed record SeededRuns(string ExperimentId, string ParentRunId, string ChildRunId);

    private sealed class NoRunLoggerFactory : ITrialRunLoggerFactory
    {
        public IRunLogger? Create(EvaluateTrial trial, string? trackingUri) => null;
    }
}
