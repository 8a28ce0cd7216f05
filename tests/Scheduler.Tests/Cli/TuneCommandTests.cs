using System.Text.Json;
using HyperQueue.Scheduler.Cli;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Scheduler.Tests.Cli;

/// <summary>Drives <c>hq tune</c> end to end in embedded mode: real bus, workers and SQLite tracking in a temp folder.</summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hq-tune-").FullName;

    private string TrackingUri => $"sqlite:{Path.Combine(_directory, "runs.db")}";

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Tune_BenchmarkFunction_PrintsJsonWithEveryTrialAndStoresNestedRuns()
    {
        var spec = Write("branin.json", """
            {"name": "branin-test", "objective": "branin", "maxEvals": 25, "parallelism": 2, "seed": 3, "algo": "tpe",
             "space": {"x1": {"$hp": "uniform", "low": -5, "high": 10}, "x2": {"$hp": "uniform", "low": 0, "high": 15}}}
            """);

        var (code, stdout, stderr) = Run("tune", spec, "--json", "--tracking", TrackingUri);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("branin-test", root.GetProperty("name").GetString());
        Assert.Equal("max_evals", root.GetProperty("stopReason").GetString());
        Assert.Equal(25, root.GetProperty("counts").GetProperty("ok").GetInt32());
        var trials = root.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 25), trials.Select(t => t.GetProperty("number").GetInt32()));
        var losses = trials.Select(t => t.GetProperty("loss").GetDouble()).ToList();
        // Embedded trials still go through the worker consumer: each names the worker that ran it.
        Assert.All(trials, t => Assert.StartsWith(Environment.MachineName, t.GetProperty("worker").GetString(), StringComparison.Ordinal));
        var best = root.GetProperty("best");
        Assert.Equal(losses.Min(), best.GetProperty("loss").GetDouble());
        var x1 = best.GetProperty("params").GetProperty("x1").GetDouble();
        var x2 = best.GetProperty("params").GetProperty("x2").GetDouble();
        Assert.Equal(HyperQueue.Scheduler.Objectives.BenchmarkFunctions.Branin(x1, x2), best.GetProperty("loss").GetDouble(), 12);
        Assert.Equal(x1, best.GetProperty("argmin").GetProperty("x1").GetDouble());

        await using var tracking = TrackingClient.Create(TrackingUri);
        var experimentId = root.GetProperty("trackingExperimentId").GetString()!;
        var parentRunId = root.GetProperty("parentRunId").GetString()!;
        var parent = await tracking.GetRunAsync(parentRunId, TestContext.Current.CancellationToken);
        Assert.Equal(RunStatus.Finished, parent!.Info.Status);
        var children = await tracking.SearchRunsAsync(new RunSearch { ExperimentId = experimentId, ParentRunId = parentRunId }, TestContext.Current.CancellationToken);
        Assert.Equal(25, children.Items.Count);
        Assert.All(children.Items, child => Assert.Equal(RunStatus.Finished, child.Status));
        var stored = await tracking.ListTrialsAsync(experimentId, parentRunId, TestContext.Current.CancellationToken);
        Assert.Equal(losses, stored.OrderBy(t => t.Number).Select(t => t.Loss!.Value));
    }

    [Fact]
    public void Tune_Summary_NamesTheIdThatExperimentsShowLooksUp()
    {
        var spec = Write("ids.json", """
            {"name": "ids-test", "objective": "branin", "maxEvals": 3, "seed": 3,
             "space": {"x1": {"$hp": "uniform", "low": -5, "high": 10}, "x2": {"$hp": "uniform", "low": 0, "high": 15}}}
            """);

        var (code, stdout, stderr) = Run("tune", spec, "--no-progress", "--tracking", TrackingUri);

        Assert.True(code == 0, stderr);
        var header = stdout.Split('\n')[0];
        Assert.StartsWith("Experiment 'ids-test' (", header, StringComparison.Ordinal);
        var id = header["Experiment 'ids-test' (".Length..].Split(';')[0];
        var (shown, shownStdout, shownStderr) = Run("experiments", "show", id, "--tracking", TrackingUri);
        Assert.True(shown == 0, shownStderr);
        Assert.Contains("ids-test", shownStdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_CommandObjective_GetsParametersOnStdinVerbatimAndFailuresCarryStderr()
    {
        var record = Path.Combine(_directory, "record.jsonl");
        var script = Path.Combine(AppContext.BaseDirectory, "Cli", "TestData", "quadratic.py");
        var marker = Path.Combine(_directory, "pwned");
        var spec = Write("command.json", $$$"""
            {"name": "command-test", "maxEvals": 6, "parallelism": 2, "seed": 5, "algo": "rand",
             "objective": {"command": ["python3", {{{JsonSerializer.Serialize(script)}}}, "--flag"], "env": {"RECORD_FILE": {{{JsonSerializer.Serialize(record)}}}}},
             "space": {"x": {"$hp": "uniform", "low": 0, "high": 6},
                       "tag": {"$hp": "choice", "options": ["$(touch {{{marker}}})", "a;b|c&&d`e`", "fail"]}},
             "pointsToEvaluate": [{"x": 3, "tag": 0}, {"x": 1, "tag": 2}]}
            """);

        var (code, stdout, stderr) = Run("tune", spec, "--json", "--tracking", TrackingUri);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var trials = json.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(6, trials.Count);
        // The first point: x = 3 gives loss 0, and its shell-looking value reached the program as plain data.
        Assert.Equal(0, trials[0].GetProperty("loss").GetDouble());
        Assert.False(File.Exists(marker));
        Assert.Contains(File.ReadAllLines(record), line => line.Contains($"$(touch {marker})", StringComparison.Ordinal));
        // The second point exits 3 with "boom" on stderr: a failed trial that says so.
        Assert.Equal("fail", trials[1].GetProperty("status").GetString());
        Assert.Contains("boom", trials[1].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.All(File.ReadAllLines(record), line => Assert.Contains("\"argv\": [\"--flag\"]", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Tune_Resume_ContinuesTheSameExperimentToTheNewBudget()
    {
        var spec = Write("camel.json", """
            {"name": "camel-resume", "objective": "camel", "maxEvals": 8, "parallelism": 2, "seed": 9, "algo": "tpe",
             "space": {"x1": {"$hp": "uniform", "low": -3, "high": 3}, "x2": {"$hp": "uniform", "low": -2, "high": 2}}}
            """);
        var first = Run("tune", spec, "--json", "--tracking", TrackingUri);
        Assert.True(first.Code == 0, first.Stderr);

        var second = Run("tune", spec, "--json", "--tracking", TrackingUri, "--resume", "--max-evals", "14");

        Assert.True(second.Code == 0, second.Stderr);
        using var before = JsonDocument.Parse(first.Stdout);
        using var after = JsonDocument.Parse(second.Stdout);
        Assert.Equal(before.RootElement.GetProperty("experimentId").GetString(), after.RootElement.GetProperty("experimentId").GetString());
        var parentRunId = after.RootElement.GetProperty("parentRunId").GetString()!;
        Assert.Equal(before.RootElement.GetProperty("parentRunId").GetString(), parentRunId);
        var earlier = before.RootElement.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("id").GetString()).ToList();
        var all = after.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(0, 14), all.Select(t => t.GetProperty("number").GetInt32()));
        Assert.Equal(earlier, all.Take(8).Select(t => t.GetProperty("id").GetString()));
        Assert.Equal(14, all.Select(t => t.GetProperty("id").GetString()).Distinct().Count());

        await using var tracking = TrackingClient.Create(TrackingUri);
        var experimentId = after.RootElement.GetProperty("trackingExperimentId").GetString()!;
        var children = await tracking.SearchRunsAsync(new RunSearch { ExperimentId = experimentId, ParentRunId = parentRunId }, TestContext.Current.CancellationToken);
        Assert.Equal(14, children.Items.Count);
    }

    [Theory]
    [InlineData("""{"name": "n", "objective": "branin", "space": {}, "maxEvals": 0}""", "$.maxEvals")]
    [InlineData("""{"name": "n", "objective": "nosuch", "space": {}, "maxEvals": 3}""", "$.objective: 'nosuch' is not a built-in objective")]
    [InlineData("""{"name": "n", "objective": "branin", "space": {"x": {"$hp": "uniform", "low": 1, "high": 0}}, "maxEvals": 3}""", "$.space.x: uniform 'x': low (1) must be less than high (0)")]
    [InlineData("""{"name": "n", "objective": "sleep", "space": {"seconds": 0, "loss": {"$hp": "lognormal", "mu": 600, "sigma": 50}}, "maxEvals": 300}""", "$.space.loss: lognormal 'loss': mu + 8 sigma (600 + 8 * 50 = 1000) is in log space and exp of it overflows a double; it must be at most 709.78 (a draw beyond 8 sigma has probability about 6e-16)")]
    [InlineData("""{"name": "n", "objective": "branin", "space": {}, "maxEvals": 3, "algo": "bayes"}""", "$.algo: algorithm 'bayes' is unknown; valid names: ")]
    [InlineData("""{"name": "n", "objective": {"command": []}, "space": {}, "maxEvals": 3}""", "$.objective.command")]
    [InlineData("""{"name": "n", "objective": "branin", "space": {"x": {"$hp": "choice", "options": [1, 2]}}, "maxEvals": 3, "pointsToEvaluate": [{"x": 5}]}""", "$.pointsToEvaluate[0]")]
    public void Tune_BadSpec_ExitsTwoNamingThePathAndStoresNothing(string specJson, string expected)
    {
        var spec = Write("bad.json", specJson);

        var (code, stdout, stderr) = Run("tune", spec, "--json", "--tracking", TrackingUri);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "runs.db")));
    }

    [Theory]
    [InlineData("""{"trialTimeoutSeconds": 1e-300}""", null, "$.trialTimeoutSeconds: 1E-300 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"timeoutSeconds": 1e-300}""", null, "$.timeoutSeconds: 1E-300 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"timeoutSeconds": 31536000}""", null, "$.timeoutSeconds: 31536000 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"objective": {"command": ["true"], "timeoutSeconds": 1e-300}}""", null, "$.objective.timeoutSeconds: must be a number of seconds from 0.001 to 4294967 (49.7 days), and it is the number 1e-300")]
    [InlineData("{}", "1e-9", "--timeout: 1E-09 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("{}", "1e300", "--timeout: 1E+300 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    public void Tune_TimeoutOutsideWhatATimerHolds_ExitsTwoWithOneLineAndStoresNothing(string members, string? flag, string expected)
    {
        var spec = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("""{"name": "timeouts", "objective": "sleep", "maxEvals": 2, "space": {"seconds": 0}}""")!;
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(members)!)
        {
            spec[key] = value;
        }

        var path = Write("timeout.json", JsonSerializer.Serialize(spec));
        string[] timeout = flag is null ? [] : ["--timeout", flag];

        var (code, stdout, stderr) = Run(["tune", path, "--no-progress", "--tracking", TrackingUri, .. timeout]);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal(
            expected.StartsWith("--", StringComparison.Ordinal) ? $"hq tune: {expected}" : $"hq tune: {path}: {expected}",
            Assert.Single(stderr.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(Path.Combine(_directory, "runs.db")));
    }

    [Fact]
    public void Tune_BrokerWithoutRedis_ExitsTwo()
    {
        var spec = Write("s.json", """{"name": "n", "objective": "branin", "space": {}, "maxEvals": 3}""");

        var (code, _, stderr) = Run("tune", spec, "--broker", "amqp://guest:guest@127.0.0.1:1/");

        Assert.Equal(2, code);
        Assert.Contains("--redis: is required with --broker", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_RedisNotListening_ExitsTwoNamingTheAddressAndStoresNothing()
    {
        var spec = Write("redis-down.json", """{"name": "redis-down", "objective": "branin", "maxEvals": 2, "space": {"x": {"$hp": "uniform", "low": 0, "high": 1}}}""");

        // Port 1: nothing listens, the connection is refused at once (before the broker is ever asked).
        var (code, _, stderr) = Run("tune", spec, "--broker", "amqp://guest:guest@127.0.0.1:1/", "--redis", "127.0.0.1:1", "--tracking", TrackingUri);

        Assert.Equal(2, code);
        Assert.StartsWith("hq tune: cannot start: cannot connect to Redis '127.0.0.1:1' (UnableToConnect", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("abortConnect", stderr, StringComparison.Ordinal);
        var (listed, listing, _) = Run("experiments", "list", "--tracking", TrackingUri, "--json");
        Assert.Equal(0, listed);
        Assert.Equal("[]", listing.Trim());
    }

    [Fact]
    public void Tune_RedisWithoutBroker_ExitsTwoRatherThanIgnoringIt()
    {
        var spec = Write("s.json", """{"name": "n", "objective": "branin", "space": {}, "maxEvals": 3}""");

        var (code, stdout, stderr) = Run("tune", spec, "--redis", "127.0.0.1:6379");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("--redis: '127.0.0.1:6379' only applies with --broker", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InterruptedWhileTrialsRun_ExitsOneThirtyAndKeepsTheFinishedTrials()
    {
        var spec = Write("s.json", """
            {"name": "interrupted", "objective": "sleep", "maxEvals": 1000, "parallelism": 1,
             "space": {"seconds": 0.05, "loss": {"$hp": "uniform", "low": 0, "high": 1}}}
            """);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var code = await new TuneRunner(stdout, stderr).RunAsync(
            new TuneSettings { SpecPath = spec, Tracking = TrackingUri, NoProgress = true }, interrupt.Token);

        Assert.Equal(130, code);
        Assert.Matches("^hq tune: interrupted; [0-9]+ trials are recorded \\(continue with --resume\\)$", stderr.ToString().Trim());
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = HqCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
