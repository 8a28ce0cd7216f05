using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Cli;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Scheduler.Tests.Cli;

/// <summary><c>hq experiments list | show | export</c> on a temp SQLite store seeded through <see cref="TrackingClient"/>.</summary>
public sealed class ExperimentsCommandTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("hq-experiments-").FullName;

    private string DatabasePath => Path.Combine(_directory, "runs.db");

    private string TrackingUri => $"sqlite:{DatabasePath}";

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task List_SeededStore_PrintsEveryExperimentNewestFirstWithTrialsAndBestLoss()
    {
        var store = await SeedAsync();

        var (code, stdout, stderr) = Run("experiments", "list", "--tracking", TrackingUri);

        Assert.True(code == 0, stderr);
        var lines = stdout.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(["ID", "NAME", "CREATED", "TRIALS", "OK", "BEST", "LOSS"], Words(lines[0]));
        // beta was created an hour after alpha, so it comes first; it has no trial and so no best loss.
        Assert.Equal([store.BetaId, "beta", "2026-12-03", "13:00:00Z", "0", "0", "-"], Words(lines[1]));
        Assert.Equal([store.AlphaId, "alpha", "2026-12-03", "12:00:00Z", "5", "2", "0.5"], Words(lines[2]));
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task List_Json_PrintsOneArrayWithCountsAndBestLoss()
    {
        var store = await SeedAsync();

        var (code, stdout, stderr) = Run("experiments", "list", "--tracking", TrackingUri, "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([store.BetaId, store.AlphaId], entries.Select(entry => entry.GetProperty("experimentId").GetString()));
        var alpha = entries[1];
        Assert.Equal("alpha", alpha.GetProperty("name").GetString());
        Assert.Equal("2026-12-03T12:00:00.000Z", alpha.GetProperty("creationTime").GetString());
        Assert.Equal(5, alpha.GetProperty("trials").GetInt32());
        Assert.Equal(2, alpha.GetProperty("ok").GetInt32());
        Assert.Equal(0.5, alpha.GetProperty("bestLoss").GetDouble());
        Assert.Equal(JsonValueKind.Null, entries[0].GetProperty("bestLoss").ValueKind);
    }

    [Fact]
    public async Task List_EmptyStore_SaysThereAreNone()
    {
        await using (var client = TrackingClient.Create(TrackingUri))
        {
            await client.InitializeAsync(TestContext.Current.CancellationToken);
        }

        var (code, stdout, _) = Run("experiments", "list", "--tracking", TrackingUri);

        Assert.Equal(0, code);
        Assert.Equal($"No experiments in the tracking store '{TrackingUri}'{Environment.NewLine}", stdout);
    }

    [Fact]
    public async Task Show_ByName_PrintsStatusCountsBestParametersParentRunAndTopTrials()
    {
        var store = await SeedAsync();

        var (code, stdout, stderr) = Run("experiments", "show", "alpha", "--tracking", TrackingUri);

        Assert.True(code == 0, stderr);
        var lines = stdout.TrimEnd().Split(Environment.NewLine);
        Assert.Equal($"Experiment 'alpha' ({store.AlphaId})", lines[0]);
        Assert.Equal("Created: 2026-12-03 12:00:00Z", lines[1]);
        Assert.Equal("Status: FINISHED", lines[2]);
        Assert.Equal("Trials: 5 (2 ok, 1 failed, 1 cancelled, 1 unfinished)", lines[3]);
        Assert.Equal($"Best loss: 0.5 (trial 1, run {store.ChildRunIds[1]})", lines[4]);
        Assert.Equal(["Best parameters:", "  model.name = sgd", "  model.lr = 0.01", "  layers = 3"], lines[5..9]);
        Assert.Equal("Parent runs:", lines[9]);
        Assert.Equal(["RUN", "ID", "NAME", "STATUS", "STARTED", "ENDED", "TRIALS", "STOP", "REASON"], Words(lines[10]));
        Assert.Equal(
            [store.ParentRunId, "alpha", "FINISHED", "2026-12-03", "12:00:00Z", "2026-12-03", "12:10:00Z", "5", "max_evals"],
            Words(lines[11]));
        Assert.Equal("Top trials:", lines[12]);
        Assert.Equal(["TRIAL", "LOSS", "RUN", "ID", "PARAMETERS"], Words(lines[13]));
        Assert.Equal(["1", "0.5", store.ChildRunIds[1], "model.name=sgd,", "model.lr=0.01,", "layers=3"], Words(lines[14]));
        Assert.Equal(["0", "2.5", store.ChildRunIds[0], "model.name=adam,", "model.lr=0.1,", "layers=2"], Words(lines[15]));
        Assert.Equal(16, lines.Length);
    }

    [Fact]
    public async Task Show_ByIdAsJson_HasCountsBestWithArgminParentRunsAndTopInLossOrder()
    {
        var store = await SeedAsync();

        var (code, stdout, stderr) = Run("experiments", "show", store.AlphaId, "--tracking", TrackingUri, "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal(store.AlphaId, root.GetProperty("experimentId").GetString());
        Assert.Equal("alpha", root.GetProperty("name").GetString());
        Assert.Equal("FINISHED", root.GetProperty("status").GetString());
        var counts = root.GetProperty("counts");
        Assert.Equal(
            (5, 2, 1, 1, 1),
            (counts.GetProperty("total").GetInt32(), counts.GetProperty("ok").GetInt32(), counts.GetProperty("fail").GetInt32(),
                counts.GetProperty("cancelled").GetInt32(), counts.GetProperty("unfinished").GetInt32()));
        var best = root.GetProperty("best");
        Assert.Equal(1, best.GetProperty("number").GetInt32());
        Assert.Equal(store.ChildRunIds[1], best.GetProperty("runId").GetString());
        Assert.Equal(0.5, best.GetProperty("loss").GetDouble());
        Assert.Equal("sgd", best.GetProperty("params").GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(3, best.GetProperty("params").GetProperty("layers").GetInt32());
        // argmin is the raw assignment: the choice index 1, not the evaluated "sgd"; the inactive label is left out.
        Assert.Equal("""{"layers":3,"optimizer":1}""", JsonSerializer.Serialize(best.GetProperty("argmin")));
        var parent = Assert.Single(root.GetProperty("parentRuns").EnumerateArray().ToList());
        Assert.Equal(store.ParentRunId, parent.GetProperty("runId").GetString());
        Assert.Equal("FINISHED", parent.GetProperty("status").GetString());
        Assert.Equal("2026-12-03T12:00:00.000Z", parent.GetProperty("startTime").GetString());
        Assert.Equal("2026-12-03T12:10:00.000Z", parent.GetProperty("endTime").GetString());
        Assert.Equal(5, parent.GetProperty("trials").GetInt32());
        Assert.Equal("max_evals", parent.GetProperty("stopReason").GetString());
        Assert.Equal(JsonValueKind.Null, parent.GetProperty("error").ValueKind);
        Assert.Equal([1, 0], root.GetProperty("top").EnumerateArray().Select(trial => trial.GetProperty("number").GetInt32()));
    }

    [Fact]
    public async Task Show_NoOkTrialAndAParentStillRunning_StatusRunningAndNoBest()
    {
        var time = new FakeTimeProvider(Start);
        await using (var client = TrackingClient.Create(TrackingUri, timeProvider: time))
        {
            var ct = TestContext.Current.CancellationToken;
            var experiment = await client.CreateExperimentAsync("gamma", ct);
            var failed = await client.CreateRunAsync(experiment.ExperimentId, "first", cancellationToken: ct);
            await client.SetTagAsync(failed.RunId, AutologObserver.ErrorTag, "AllTrialsFailedException: every trial failed", ct);
            await client.EndRunAsync(failed.RunId, RunStatus.Failed, ct);
            time.Advance(TimeSpan.FromMinutes(1));
            var running = await client.CreateRunAsync(experiment.ExperimentId, "second", cancellationToken: ct);
            var child = await client.CreateRunAsync(experiment.ExperimentId, "trial 0", running.RunId, cancellationToken: ct);
            await client.UpsertTrialAsync(Trial(experiment.ExperimentId, child.RunId, running.RunId, 0, TrialStatus.Fail, null, "{}"), ct);
        }

        var (code, stdout, stderr) = Run("experiments", "show", "gamma", "--tracking", TrackingUri, "--json");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("RUNNING", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("best").ValueKind);
        var parents = root.GetProperty("parentRuns").EnumerateArray().ToList();
        Assert.Equal(["first", "second"], parents.Select(parent => parent.GetProperty("name").GetString()));
        Assert.Equal("FAILED", parents[0].GetProperty("status").GetString());
        Assert.Equal("AllTrialsFailedException: every trial failed", parents[0].GetProperty("error").GetString());
        Assert.Equal([0, 1], parents.Select(parent => parent.GetProperty("trials").GetInt32()));
        Assert.Contains("Best loss: none (no trial finished ok)", Run("experiments", "show", "gamma", "--tracking", TrackingUri).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_CsvToStdout_OneRowPerTrialWithFlattenedParameters()
    {
        var seeded = await SeedAsync();
        var (parent, child) = (seeded.ParentRunId, seeded.ChildRunIds);

        var (code, stdout, stderr) = Run("experiments", "export", "alpha", "--tracking", TrackingUri);

        Assert.True(code == 0, stderr);
        Assert.Equal(
            [
                "number,status,loss,run_id,parent_run_id,model.name,model.lr,layers",
                $"0,ok,2.5,{child[0]},{parent},adam,0.1,2",
                $"1,ok,0.5,{child[1]},{parent},sgd,0.01,3",
                $"2,fail,,{child[2]},{parent},adam,0.2,1",
                $"3,cancelled,,{child[3]},{parent},adam,0.3,1",
                $"4,,,{child[4]},{parent},adam,0.4,1",
            ],
            stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Export_JsonToFile_WritesTheTrialsThereAndNothingOnStdout()
    {
        await SeedAsync();
        var file = Path.Combine(_directory, "alpha.json");

        var (code, stdout, stderr) = Run("experiments", "export", "alpha", "--tracking", TrackingUri, "--format", "json", "--output", file);

        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"5 trials of 'alpha' written to {file}", stderr, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
        var trials = json.RootElement.EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4], trials.Select(trial => trial.GetProperty("number").GetInt32()));
        Assert.Equal(["ok", "ok", "fail", "cancelled", null], trials.Select(trial => trial.GetProperty("status").GetString()));
        Assert.Equal(0.01, trials[1].GetProperty("params").GetProperty("model").GetProperty("lr").GetDouble());
    }

    [Fact]
    public async Task Export_OutputDirectoryMissing_ExitsTwoNamingTheFile()
    {
        await SeedAsync();
        var file = Path.Combine(_directory, "no-such-folder", "alpha.csv");

        var (code, stdout, stderr) = Run("experiments", "export", "alpha", "--tracking", TrackingUri, "--output", file);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith($"hq experiments export: --output '{file}' cannot be written: ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("export")]
    public async Task ShowOrExport_UnknownExperiment_ExitsTwoNamingIt(string subcommand)
    {
        await SeedAsync();

        var (code, stdout, stderr) = Run("experiments", subcommand, "nosuch", "--tracking", TrackingUri);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith(
            $"hq experiments {subcommand}: no experiment named or with id 'nosuch' in the tracking store '{TrackingUri}'",
            stderr,
            StringComparison.Ordinal);
    }

    [Fact]
    public void List_SqliteFileMissing_ExitsTwoAndCreatesNoStore()
    {
        var (code, stdout, stderr) = Run("experiments", "list", "--tracking", TrackingUri);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains($"no tracking store at {DatabasePath}", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(DatabasePath));
    }

    [Fact]
    public async Task List_FileIsNotADatabase_ExitsTwoWithTheReason()
    {
        await File.WriteAllTextAsync(DatabasePath, "these are not the bytes of a SQLite database", TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = Run("experiments", "list", "--tracking", TrackingUri);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith($"hq experiments list: cannot read the tracking store '{TrackingUri}': ", stderr, StringComparison.Ordinal);
        Assert.Contains("file is not a database", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://tracking.example", "names a tracking service")]
    [InlineData("mysql:whatever", "is not recognised")]
    public void List_UnsupportedTrackingUri_ExitsTwoListingTheAcceptedForms(string uri, string reason)
    {
        var (code, _, stderr) = Run("experiments", "list", "--tracking", uri);

        Assert.Equal(2, code);
        Assert.StartsWith($"hq experiments list: --tracking: tracking URI '{uri}' ", stderr, StringComparison.Ordinal);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.Contains("accepted forms", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void List_PostgresUnreachable_ExitsTwoWithTheReasonAndNoPassword()
    {
        // Port 1 refuses the connection at once; the password must not reach the terminal or a CI log.
        var (code, stdout, stderr) = Run("experiments", "list", "--tracking", "postgres://hq:s3cret-pass@127.0.0.1:1/hq");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("hq experiments list: cannot read the Postgres tracking store given by --tracking: ", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_UnknownFormat_ExitsTwo()
    {
        var (code, _, stderr) = Run("experiments", "export", "alpha", "--tracking", TrackingUri, "--format", "xml");

        Assert.Equal(2, code);
        Assert.Contains("'xml'", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// alpha (created at 12:00): one finished parent run (stop reason max_evals, ended 12:10) with five trials: two ok
    /// (losses 2.5 and 0.5), one failed, one cancelled, one unfinished. beta (created at 13:00): no runs.
    /// </summary>
    private async Task<SeededStore> SeedAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(Start);
        await using var client = TrackingClient.Create(TrackingUri, timeProvider: time);
        var alpha = await client.CreateExperimentAsync("alpha", ct);
        var parent = await client.CreateRunAsync(alpha.ExperimentId, "alpha", cancellationToken: ct);
        var children = new List<string>();
        (TrialStatus? Status, double? Loss, string Parameters)[] trials =
        [
            (TrialStatus.Ok, 2.5, """{"model": {"name": "adam", "lr": 0.1}, "layers": 2}"""),
            (TrialStatus.Ok, 0.5, """{"model": {"name": "sgd", "lr": 0.01}, "layers": 3}"""),
            (TrialStatus.Fail, null, """{"model": {"name": "adam", "lr": 0.2}, "layers": 1}"""),
            (TrialStatus.Cancelled, null, """{"model": {"name": "adam", "lr": 0.3}, "layers": 1}"""),
            (null, null, """{"model": {"name": "adam", "lr": 0.4}, "layers": 1}"""),
        ];
        for (var number = 0; number < trials.Length; number++)
        {
            var child = await client.CreateRunAsync(alpha.ExperimentId, $"trial {number}", parent.RunId, cancellationToken: ct);
            children.Add(child.RunId);
            var (status, loss, parameters) = trials[number];
            await client.UpsertTrialAsync(Trial(alpha.ExperimentId, child.RunId, parent.RunId, number, status, loss, parameters), ct);
        }

        await client.SetTagAsync(parent.RunId, AutologObserver.StopReasonTag, "max_evals", ct);
        time.Advance(TimeSpan.FromMinutes(10));
        await client.EndRunAsync(parent.RunId, RunStatus.Finished, ct);
        time.Advance(TimeSpan.FromMinutes(50));
        var beta = await client.CreateExperimentAsync("beta", ct);
        return new SeededStore(alpha.ExperimentId, beta.ExperimentId, parent.RunId, children);
    }

    private static TrialRecord Trial(string experimentId, string runId, string parentRunId, int number, TrialStatus? status, double? loss, string parameters)
    {
        using var document = JsonDocument.Parse(parameters);
        var layers = document.RootElement.TryGetProperty("layers", out var value) ? value.GetDouble() : 0;
        return new TrialRecord
        {
            TrialId = Guid.NewGuid(),
            ExperimentId = experimentId,
            RunId = runId,
            ParentRunId = parentRunId,
            Number = number,
            State = status switch
            {
                TrialStatus.Ok or TrialStatus.Fail => TrialState.Done,
                TrialStatus.Cancelled => TrialState.Cancelled,
                _ => TrialState.Running,
            },
            Status = status,
            Loss = loss,
            // The optimizer choice index follows the model name; "momentum" is a conditional label never active here.
            RawValues = new Dictionary<string, double?>
            {
                ["layers"] = layers,
                ["optimizer"] = parameters.Contains("sgd", StringComparison.Ordinal) ? 1 : 0,
                ["momentum"] = null,
            },
            Parameters = document.RootElement.Clone(),
        };
    }

    private static string[] Words(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = HqCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed record SeededStore(string AlphaId, string BetaId, string ParentRunId, IReadOnlyList<string> ChildRunIds);
}
