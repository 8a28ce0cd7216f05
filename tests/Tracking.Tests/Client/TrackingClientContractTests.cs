using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Tracking.Tests.Client;

/// <summary>
/// The behaviour every tracking store must have. SQLite runs it in the unit tests, Postgres in the integration
/// tests; a derived class only says how to get a fresh, empty store.
/// </summary>
public abstract class TrackingClientContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected FakeTimeProvider Clock { get; } = new(Start);

    protected string ArtifactRoot { get; } = Directory.CreateTempSubdirectory("hq-artifacts-").FullName;

    protected string TrackingUri { get; private set; } = string.Empty;

    protected TrackingClient Client { get; private set; } = null!;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A tracking URI of a store nobody else uses.</summary>
    protected abstract Task<string> CreateTrackingUriAsync(CancellationToken cancellationToken);

    protected virtual void DeleteStore()
    {
    }

    public async ValueTask InitializeAsync()
    {
        TrackingUri = await CreateTrackingUriAsync(Token);
        Client = TrackingClient.Create(TrackingUri, ArtifactRoot, Clock);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        Directory.Delete(ArtifactRoot, recursive: true);
        DeleteStore();
        GC.SuppressFinalize(this);
    }

    private async Task<string> NewExperimentIdAsync(string name = "exp") =>
        (await Client.CreateExperimentAsync(name, Token)).ExperimentId;

    // ---- Experiments and schema ----

    [Fact]
    public async Task InitializeAsync_TwoClientsStartTogether_SchemaAppliedOnceAndBothWork()
    {
        await using var other = TrackingClient.Create(TrackingUri, ArtifactRoot, Clock);

        await Task.WhenAll(Client.InitializeAsync(Token), other.InitializeAsync(Token));
        var created = await Client.CreateExperimentAsync("shared", Token);
        var seen = await other.GetExperimentByNameAsync("shared", Token);

        Assert.Equal(1, await other.GetSchemaVersionAsync(Token));
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task CreateExperimentAsync_NameTaken_ThrowsNamingTheName()
    {
        await Client.CreateExperimentAsync("mnist", Token);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Client.CreateExperimentAsync("mnist", Token));

        Assert.Contains("'mnist'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOrCreateExperimentAsync_EightConcurrentCallers_AllGetTheSameExperiment()
    {
        var experiments = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => Client.GetOrCreateExperimentAsync("race", Token), Token)));

        Assert.Single(experiments.Select(experiment => experiment.ExperimentId).Distinct());
        Assert.Equal(experiments[0], await Client.GetExperimentAsync(experiments[0].ExperimentId, Token));
        Assert.Equal(Start, experiments[0].CreationTime);
    }

    [Fact]
    public async Task GetExperimentByNameAsync_Missing_ReturnsNull()
    {
        Assert.Null(await Client.GetExperimentByNameAsync("nothing", Token));
        Assert.Null(await Client.GetExperimentAsync("0123456789abcdef0123456789abcdef", Token));
    }

    [Fact]
    public async Task FindExperimentAsync_ByIdOrByName_SameExperiment()
    {
        var created = await Client.CreateExperimentAsync("by-name", Token);

        Assert.Equal(created, await Client.FindExperimentAsync(created.ExperimentId, Token));
        Assert.Equal(created, await Client.FindExperimentAsync("by-name", Token));
        Assert.Null(await Client.FindExperimentAsync("missing", Token));
    }

    [Fact]
    public async Task SearchExperimentsAsync_FiveExperimentsPagesOfTwo_NewestFirstAcrossThreePages()
    {
        for (var index = 0; index < 5; index++)
        {
            await Client.CreateExperimentAsync($"e{index}", Token);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var names = new List<string>();
        var pages = 0;
        string? token = null;
        do
        {
            var page = await Client.SearchExperimentsAsync(maxResults: 2, token, Token);
            names.AddRange(page.Items.Select(experiment => experiment.Name));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["e4", "e3", "e2", "e1", "e0"], names);
        Assert.Equal(3, pages);
    }

    // ---- Runs ----

    [Fact]
    public async Task CreateRunAsync_WithParent_RecordsParentIdAndParentTag()
    {
        var experimentId = await NewExperimentIdAsync();
        var parent = await Client.CreateRunAsync(experimentId, "fmin", cancellationToken: Token);

        var child = await Client.CreateRunAsync(experimentId, "trial 0", parent.RunId, new Dictionary<string, string> { ["k"] = "v" }, Token);
        var stored = await Client.GetRunAsync(child.RunId, Token);

        Assert.NotNull(stored);
        Assert.Equal(parent.RunId, stored.Info.ParentRunId);
        Assert.Equal(parent.RunId, stored.Tags[TrackingClient.ParentRunIdTag]);
        Assert.Equal("trial 0", stored.Tags[TrackingClient.RunNameTag]);
        Assert.Equal("v", stored.Tags["k"]);
        Assert.Equal(RunStatus.Running, stored.Info.Status);
        Assert.Equal(Start, stored.Info.StartTime);
        Assert.Null(stored.Info.EndTime);
        Assert.Matches("^[0-9a-f]{32}$", stored.Info.RunId);
        Assert.Equal(Path.Combine(ArtifactRoot, experimentId, child.RunId, "artifacts"), stored.Info.ArtifactUri);
    }

    [Fact]
    public async Task CreateRunAsync_UnknownParent_ThrowsAndStoresNoRun()
    {
        var experimentId = await NewExperimentIdAsync();

        var error = await Assert.ThrowsAsync<KeyNotFoundException>(
            () => Client.CreateRunAsync(experimentId, parentRunId: "feedfacefeedfacefeedfacefeedface", cancellationToken: Token));

        Assert.Contains("feedfacefeedfacefeedfacefeedface", error.Message, StringComparison.Ordinal);
        Assert.Empty((await Client.SearchRunsAsync(new RunSearch { ExperimentId = experimentId }, Token)).Items);
    }

    [Fact]
    public async Task EndRunAsync_Child_EndsOnlyTheChild()
    {
        var experimentId = await NewExperimentIdAsync();
        var parent = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var child = await Client.CreateRunAsync(experimentId, parentRunId: parent.RunId, cancellationToken: Token);
        Clock.Advance(TimeSpan.FromSeconds(90));

        await Client.EndRunAsync(child.RunId, RunStatus.Killed, Token);

        var storedChild = (await Client.GetRunAsync(child.RunId, Token))!.Info;
        var storedParent = (await Client.GetRunAsync(parent.RunId, Token))!.Info;
        Assert.Equal(RunStatus.Killed, storedChild.Status);
        Assert.Equal(Start.AddSeconds(90), storedChild.EndTime);
        Assert.Equal(RunStatus.Running, storedParent.Status);
        Assert.Null(storedParent.EndTime);
    }

    [Fact]
    public async Task SearchRunsAsync_FilterByParentAndStatus_ReturnsOnlyMatchingRunsPaged()
    {
        var experimentId = await NewExperimentIdAsync();
        var parent = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var children = new List<RunInfo>();
        for (var index = 0; index < 5; index++)
        {
            Clock.Advance(TimeSpan.FromSeconds(1));
            children.Add(await Client.CreateRunAsync(experimentId, $"c{index}", parent.RunId, cancellationToken: Token));
        }

        await Client.EndRunAsync(children[1].RunId, RunStatus.Failed, Token);
        await Client.EndRunAsync(children[3].RunId, RunStatus.Failed, Token);

        var failed = await Client.SearchRunsAsync(
            new RunSearch { ExperimentId = experimentId, ParentRunId = parent.RunId, Status = RunStatus.Failed }, Token);
        var firstPage = await Client.SearchRunsAsync(
            new RunSearch { ExperimentId = experimentId, ParentRunId = parent.RunId, MaxResults = 3 }, Token);
        var secondPage = await Client.SearchRunsAsync(
            new RunSearch { ExperimentId = experimentId, ParentRunId = parent.RunId, MaxResults = 3, PageToken = firstPage.NextPageToken }, Token);

        Assert.Equal(["c3", "c1"], failed.Items.Select(run => run.RunName));
        Assert.Equal(["c4", "c3", "c2"], firstPage.Items.Select(run => run.RunName));
        Assert.Equal(["c1", "c0"], secondPage.Items.Select(run => run.RunName));
        Assert.Null(secondPage.NextPageToken);
    }

    // ---- Params, metrics, tags ----

    [Fact]
    public async Task LogParamAsync_SameValueAgain_IsNoOp()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        await Client.LogParamAsync(run.RunId, "lr", "0.1", Token);
        await Client.LogParamAsync(run.RunId, "lr", "0.1", Token);

        Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.1" }, (await Client.GetRunAsync(run.RunId, Token))!.Params);
    }

    [Fact]
    public async Task LogParamAsync_OtherValue_ThrowsNamingKeyAndBothValuesAndKeepsTheFirst()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);
        await Client.LogParamAsync(run.RunId, "lr", "0.1", Token);

        var error = await Assert.ThrowsAsync<ParamConflictException>(() => Client.LogParamAsync(run.RunId, "lr", "0.2", Token));

        Assert.Contains("'lr'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'0.1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'0.2'", error.Message, StringComparison.Ordinal);
        Assert.Equal("0.1", (await Client.GetRunAsync(run.RunId, Token))!.Params["lr"]);
    }

    [Fact]
    public async Task LogBatchAsync_OneParamConflicts_WritesNothingOfTheBatch()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);
        await Client.LogParamAsync(run.RunId, "lr", "0.1", Token);

        await Assert.ThrowsAsync<ParamConflictException>(() => Client.LogBatchAsync(
            run.RunId,
            metrics: [new Metric("loss", 1.5, 0, Start)],
            parameters: [new("depth", "3"), new("lr", "0.5")],
            tags: [new("note", "x")],
            cancellationToken: Token));

        var stored = (await Client.GetRunAsync(run.RunId, Token))!;
        Assert.Equal(["lr"], stored.Params.Keys);
        Assert.Empty(stored.Metrics);
        Assert.DoesNotContain("note", stored.Tags.Keys);
    }

    [Fact]
    public async Task LogMetricAsync_SeveralSteps_KeepsFullHistoryAndLatestByHighestStep()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        await Client.LogMetricAsync(run.RunId, "loss", 0.9, step: 0, cancellationToken: Token);
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await Client.LogMetricAsync(run.RunId, "loss", 0.4, step: 2, cancellationToken: Token);
        Clock.Advance(TimeSpan.FromMilliseconds(5));
        await Client.LogMetricAsync(run.RunId, "loss", 0.6, step: 1, cancellationToken: Token);

        var history = await Client.GetMetricHistoryAsync(run.RunId, "loss", Token);
        var latest = (await Client.GetRunAsync(run.RunId, Token))!.Metrics["loss"];
        Assert.Equal(
            [new Metric("loss", 0.9, 0, Start), new Metric("loss", 0.6, 1, Start.AddMilliseconds(10)), new Metric("loss", 0.4, 2, Start.AddMilliseconds(5))],
            history);
        Assert.Equal(new Metric("loss", 0.4, 2, Start.AddMilliseconds(5)), latest);
    }

    [Fact]
    public async Task LogMetricAsync_SamePointTwice_StoredOnceLikeMlflowSoARetriedWriteAddsNoDuplicate()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        await Client.LogMetricAsync(run.RunId, "loss", 0.5, step: 3, cancellationToken: Token);
        await Client.LogMetricAsync(run.RunId, "loss", 0.5, step: 3, cancellationToken: Token);
        await Client.LogMetricAsync(run.RunId, "loss", 0.7, step: 3, cancellationToken: Token);

        // Key, step, timestamp and value make a point (MLflow's metrics key); another value at the same step is kept.
        Assert.Equal(
            [new Metric("loss", 0.5, 3, Start), new Metric("loss", 0.7, 3, Start)],
            await Client.GetMetricHistoryAsync(run.RunId, "loss", Token));
    }

    [Fact]
    public async Task LogMetricAsync_NonFiniteAndExtremeValues_RoundTripExactly()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);
        // -0.0 is left out: SQLite stores it as 0.0 (equal as numbers, different bits).
        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.1 + 0.2, double.Epsilon, double.MaxValue, -1e-300];

        for (var step = 0; step < values.Length; step++)
        {
            await Client.LogMetricAsync(run.RunId, "m", values[step], step, cancellationToken: Token);
        }

        var history = await Client.GetMetricHistoryAsync(run.RunId, "m", Token);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), history.Select(metric => BitConverter.DoubleToInt64Bits(metric.Value)));
    }

    [Fact]
    public async Task SetTagAsync_SameKeyTwice_KeepsTheLastValue()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        await Client.SetTagAsync(run.RunId, "stage", "warmup", Token);
        await Client.SetTagAsync(run.RunId, "stage", "main", Token);

        Assert.Equal("main", (await Client.GetRunAsync(run.RunId, Token))!.Tags["stage"]);
    }

    public static TheoryData<string> HostileStrings =>
    [
        "it's \"quoted\"",
        "x'); DROP TABLE params; --",
        "tab\tnew\nline\rbell\u0007esc\u001b",
        "ünïcødé 🚀 日本",
        "@Value $1 ? :name {identity}",
        "  padded  ",
        "\\backslash\\",
    ];

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public async Task LogBatchAsync_HostileKeysAndValues_RoundTripExactly(string text)
    {
        var experiment = await Client.CreateExperimentAsync("exp " + text, Token);
        var run = await Client.CreateRunAsync(experiment.ExperimentId, "run " + text, cancellationToken: Token);

        await Client.LogBatchAsync(
            run.RunId,
            metrics: [new Metric("m " + text, 1, 0, Start)],
            parameters: [new("p " + text, text)],
            tags: [new("t " + text, text)],
            cancellationToken: Token);

        var stored = (await Client.GetRunAsync(run.RunId, Token))!;
        Assert.Equal(text, stored.Params["p " + text]);
        Assert.Equal(text, stored.Tags["t " + text]);
        Assert.Equal(1, stored.Metrics["m " + text].Value);
        Assert.Equal("run " + text, stored.Info.RunName);
        Assert.Equal(experiment, await Client.GetExperimentByNameAsync("exp " + text, Token));
    }

    [Fact]
    public async Task LogParamAsync_KeyLongerThan250_RejectedNamingTheLimitAndNothingStored()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.LogParamAsync(run.RunId, new string('k', 251), "v", Token));
        await Client.LogParamAsync(run.RunId, new string('k', 250), "v", Token);

        Assert.Contains("251", error.Message, StringComparison.Ordinal);
        Assert.Contains("250", error.Message, StringComparison.Ordinal);
        Assert.Equal([new string('k', 250)], (await Client.GetRunAsync(run.RunId, Token))!.Params.Keys);
    }

    [Fact]
    public async Task SetTagAsync_ValueWithNul_RejectedAndNothingStored()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.SetTagAsync(run.RunId, "k", "a\0b", Token));

        Assert.Contains("U+0000", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("k", (await Client.GetRunAsync(run.RunId, Token))!.Tags.Keys);
    }

    [Fact]
    public async Task SetTagAsync_UnpairedSurrogate_RejectedAndNothingStored()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        await Assert.ThrowsAsync<ArgumentException>(() => Client.SetTagAsync(run.RunId, "k", "a\ud800", Token));

        Assert.DoesNotContain("k", (await Client.GetRunAsync(run.RunId, Token))!.Tags.Keys);
    }

    [Fact]
    public async Task LogMetricAsync_EightWritersThousandEach_EveryRowStored()
    {
        const int Writers = 8;
        const int PerWriter = 1000;
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                for (var step = 0; step < PerWriter; step++)
                {
                    await Client.LogMetricAsync(run.RunId, $"w{writer}", step, step, cancellationToken: Token);
                }
            },
            Token)));

        var stored = (await Client.GetRunAsync(run.RunId, Token))!;
        for (var writer = 0; writer < Writers; writer++)
        {
            var history = await Client.GetMetricHistoryAsync(run.RunId, $"w{writer}", Token);
            Assert.Equal(Enumerable.Range(0, PerWriter).Select(step => (double)step), history.Select(metric => metric.Value));
            Assert.Equal(PerWriter - 1, stored.Metrics[$"w{writer}"].Step);
        }
    }

    // ---- Active runs ----

    [Fact]
    public async Task StartRunAsync_MakeActive_IsActiveRunUntilDisposedThenFinished()
    {
        var experimentId = await NewExperimentIdAsync();
        string runId;

        await using (var run = await Client.StartRunAsync(experimentId, "outer", makeActive: true, cancellationToken: Token))
        {
            runId = run.RunId;
            Assert.Same(run, Client.ActiveRun);
            Assert.Equal(runId, await Task.Run(() => Client.ActiveRun?.RunId, Token));
            Clock.Advance(TimeSpan.FromSeconds(3));
        }

        var stored = (await Client.GetRunAsync(runId, Token))!.Info;
        Assert.Null(Client.ActiveRun);
        Assert.Equal(RunStatus.Finished, stored.Status);
        Assert.Equal(Start.AddSeconds(3), stored.EndTime);
    }

    [Fact]
    public async Task StartRunAsync_NestedActiveChildDisposed_ParentStaysActiveAndRunning()
    {
        var experimentId = await NewExperimentIdAsync();
        await using var parent = await Client.StartRunAsync(experimentId, "parent", makeActive: true, cancellationToken: Token);

        string childId;
        await using (var child = await Client.StartRunAsync(experimentId, "child", parent.RunId, makeActive: true, cancellationToken: Token))
        {
            childId = child.RunId;
            Assert.Same(child, Client.ActiveRun);
        }

        Assert.Same(parent, Client.ActiveRun);
        Assert.Equal(RunStatus.Finished, (await Client.GetRunAsync(childId, Token))!.Info.Status);
        Assert.Equal(RunStatus.Running, (await Client.GetRunAsync(parent.RunId, Token))!.Info.Status);
    }

    [Fact]
    public async Task StartRunAsync_NotActive_DoesNotBecomeActiveRun()
    {
        await using var run = await Client.StartRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);

        Assert.Null(Client.ActiveRun);
    }

    [Fact]
    public async Task RunInActiveRunAsync_BodyThrows_RunFailedWithErrorTagsAndExceptionRethrown()
    {
        var experimentId = await NewExperimentIdAsync();
        string? runId = null;

        await Assert.ThrowsAsync<InvalidDataException>(() => Client.RunInActiveRunAsync<int>(
            experimentId,
            (run, _) =>
            {
                runId = run.RunId;
                throw new InvalidDataException("bad 'data'");
            },
            cancellationToken: Token));

        var stored = (await Client.GetRunAsync(runId!, Token))!;
        Assert.Equal(RunStatus.Failed, stored.Info.Status);
        Assert.Equal(typeof(InvalidDataException).FullName, stored.Tags["error.type"]);
        Assert.Equal("bad 'data'", stored.Tags["error.message"]);
        Assert.Null(Client.ActiveRun);
    }

    [Fact]
    public async Task RunInActiveRunAsync_BodyCancelled_RunKilled()
    {
        var experimentId = await NewExperimentIdAsync();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);
        string? runId = null;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Client.RunInActiveRunAsync<int>(
            experimentId,
            async (run, token) =>
            {
                runId = run.RunId;
                await cancellation.CancelAsync();
                token.ThrowIfCancellationRequested();
                return 0;
            },
            cancellationToken: cancellation.Token));

        Assert.Equal(RunStatus.Killed, (await Client.GetRunAsync(runId!, Token))!.Info.Status);
    }

    [Fact]
    public async Task RunInActiveRunAsync_BodyReturns_RunFinishedAndValueReturned()
    {
        var experimentId = await NewExperimentIdAsync();

        var (runId, activeInside) = await Client.RunInActiveRunAsync(
            experimentId,
            (run, _) => Task.FromResult((run.RunId, Client.ActiveRun?.RunId)),
            cancellationToken: Token);

        Assert.Equal(runId, activeInside);
        Assert.Equal(RunStatus.Finished, (await Client.GetRunAsync(runId, Token))!.Info.Status);
    }

    [Fact]
    public async Task GetRunLogger_ObjectiveLogsIntoExistingRun_RunStaysRunning()
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);
        var logger = Client.GetRunLogger(run.RunId);

        await logger.LogParamAsync("depth", "4", Token);
        await logger.LogMetricAsync("acc", 0.75, 3, Token);
        await logger.SetTagAsync("device", "cpu", Token);

        var stored = (await Client.GetRunAsync(run.RunId, Token))!;
        Assert.Equal("4", stored.Params["depth"]);
        Assert.Equal(new Metric("acc", 0.75, 3, Start), stored.Metrics["acc"]);
        Assert.Equal("cpu", stored.Tags["device"]);
        Assert.Equal(RunStatus.Running, stored.Info.Status);
    }

    // ---- Artifacts ----

    [Fact]
    public async Task LogArtifactAsync_NestedName_CopiedUnderTheRunsArtifactFolder()
    {
        var experimentId = await NewExperimentIdAsync();
        var run = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var source = Path.Combine(ArtifactRoot, "model.bin");
        await File.WriteAllTextAsync(source, "weights", Token);

        var name = await Client.LogArtifactAsync(run.RunId, source, "models/best.bin", Token);

        var expected = Path.Combine(ArtifactRoot, experimentId, run.RunId, "artifacts", "models", "best.bin");
        Assert.Equal("models/best.bin", name);
        Assert.Equal("weights", await File.ReadAllTextAsync(expected, Token));
        Assert.Equal(["models/best.bin"], await Client.ListArtifactsAsync(run.RunId, Token));
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public async Task LogArtifactAsync_InvalidName_RejectedAndNothingWritten(string artifactPath)
    {
        var run = await Client.CreateRunAsync(await NewExperimentIdAsync(), cancellationToken: Token);
        var source = Path.Combine(ArtifactRoot, "f.txt");
        await File.WriteAllTextAsync(source, "x", Token);

        await Assert.ThrowsAsync<ArgumentException>(() => Client.LogArtifactAsync(run.RunId, source, artifactPath, Token));

        Assert.Empty(await Client.ListArtifactsAsync(run.RunId, Token));
        Assert.False(File.Exists(Path.Combine(ArtifactRoot, "escape.txt")));
    }

    // ---- Trials ----

    private async Task<TrialRecord> NewTrialAsync(string experimentId, string parentRunId, int number)
    {
        var run = await Client.CreateRunAsync(experimentId, $"trial {number}", parentRunId, cancellationToken: Token);
        using var parameters = JsonDocument.Parse($$"""{"lr": 0.1, "layers": {{number}}, "kind": "it's"}""");
        return new TrialRecord
        {
            TrialId = Guid.NewGuid(),
            ExperimentId = experimentId,
            RunId = run.RunId,
            ParentRunId = parentRunId,
            Number = number,
            State = TrialState.Running,
            RawValues = new Dictionary<string, double?> { ["lr"] = 0.1, ["kind"] = 1, ["inactive"] = null },
            Parameters = parameters.RootElement.Clone(),
            Attempts = 1,
            WorkerId = "worker-1",
            StartedAt = Start,
        };
    }

    [Fact]
    public async Task UpsertTrialAsync_SecondCompletion_IgnoredFirstCompletionWins()
    {
        var experimentId = await NewExperimentIdAsync();
        var parent = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var running = await NewTrialAsync(experimentId, parent.RunId, 0);
        var first = running with { State = TrialState.Done, Status = TrialStatus.Ok, Loss = 0.25, LossVariance = 0.01, EndedAt = Start.AddSeconds(5) };
        var second = running with { State = TrialState.Done, Status = TrialStatus.Fail, ErrorType = "Late", ErrorMessage = "duplicate", WorkerId = "worker-2" };

        Assert.True(await Client.UpsertTrialAsync(running, Token));
        Assert.True(await Client.UpsertTrialAsync(first, Token));
        Assert.False(await Client.UpsertTrialAsync(second, Token));

        var stored = Assert.Single(await Client.ListTrialsAsync(experimentId, cancellationToken: Token));
        Assert.Equal(TrialStatus.Ok, stored.Status);
        Assert.Equal(0.25, stored.Loss);
        Assert.Equal(0.01, stored.LossVariance);
        Assert.Equal("worker-1", stored.WorkerId);
        Assert.Null(stored.ErrorType);
        Assert.Equal(Start.AddSeconds(5), stored.EndedAt);
    }

    [Fact]
    public async Task ListTrialsAsync_WrittenOutOfOrder_ReturnedByNumberWithEveryField()
    {
        var experimentId = await NewExperimentIdAsync();
        var parent = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var otherParent = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var trials = new List<TrialRecord>();
        foreach (var number in new[] { 2, 0, 1 })
        {
            var trial = await NewTrialAsync(experimentId, parent.RunId, number);
            trials.Add(trial);
            await Client.UpsertTrialAsync(trial, Token);
        }

        await Client.UpsertTrialAsync(await NewTrialAsync(experimentId, otherParent.RunId, 3), Token);

        var stored = await Client.ListTrialsAsync(experimentId, parent.RunId, Token);

        Assert.Equal([0, 1, 2], stored.Select(trial => trial.Number));
        var expected = trials.Single(trial => trial.Number == 1);
        var actual = stored[1];
        Assert.Equal(expected.TrialId, actual.TrialId);
        Assert.Equal(expected.RunId, actual.RunId);
        Assert.Equal(parent.RunId, actual.ParentRunId);
        Assert.Equal(TrialState.Running, actual.State);
        Assert.Null(actual.Status);
        Assert.Null(actual.Loss);
        Assert.Equal(expected.RawValues, actual.RawValues);
        Assert.Equal(expected.Parameters.GetRawText(), actual.Parameters.GetRawText());
        Assert.Equal(1, actual.Attempts);
        Assert.Equal("worker-1", actual.WorkerId);
        Assert.Equal(Start, actual.StartedAt);
        Assert.Equal(4, (await Client.ListTrialsAsync(experimentId, cancellationToken: Token)).Count);
    }

    [Fact]
    public async Task UpsertTrialAsync_NaNLoss_RejectedNamingTheRule()
    {
        var experimentId = await NewExperimentIdAsync();
        var parent = await Client.CreateRunAsync(experimentId, cancellationToken: Token);
        var trial = await NewTrialAsync(experimentId, parent.RunId, 0) with { State = TrialState.Done, Status = TrialStatus.Ok, Loss = double.NaN };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Client.UpsertTrialAsync(trial, Token));

        Assert.Contains("NaN", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Client.ListTrialsAsync(experimentId, cancellationToken: Token));
    }
}
