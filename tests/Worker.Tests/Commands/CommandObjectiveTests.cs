using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Logging.Abstractions;

namespace HyperQueue.Worker.Tests.Commands;

public sealed class CommandObjectiveTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("hq-command-tests-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task EvaluateAsync_ProgramPrintsNumber_ReturnsItAsOkLoss()
    {
        var result = await RunAsync(Sh("echo 0.125"));

        Assert.Equal(ObjectiveResult.Ok(0.125), result);
    }

    [Fact]
    public async Task EvaluateAsync_ParametersAndEnvironment_ReachTheProgramAsJsonOnStdinAndHqVariables()
    {
        var output = Path.Combine(directory.FullName, "seen.txt");
        var context = Context("""{"lr": 0.01, "layers": [1, 2]}""", runId: "run-7", trackingUri: "sqlite:x.db");

        var result = await RunAsync(
            Sh("""cat > "$1"; printf '%s|%s|%s|%s|%s|%s\n' "$HQ_EXPERIMENT_ID" "$HQ_TRIAL_ID" "$HQ_TRIAL_NUMBER" "$HQ_RUN_ID" "$HQ_TRACKING_URI" "$EXTRA" >> "$1"; echo 1""", output)
                with { Environment = new Dictionary<string, string> { ["EXTRA"] = "yes" } },
            context);

        Assert.Equal(TrialStatus.Ok, result.Status);
        var lines = await File.ReadAllLinesAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal("""{"lr": 0.01, "layers": [1, 2]}""", lines[0]);
        Assert.Equal($"{context.ExperimentId}|{context.TrialId}|5|run-7|sqlite:x.db|yes", lines[1]);
    }

    [Fact]
    public async Task EvaluateAsync_ShellMetacharactersInParameters_ReachTheProgramVerbatimAndRunNothing()
    {
        var output = Path.Combine(directory.FullName, "params.json");
        var marker = Path.Combine(directory.FullName, "pwned");
        var value = $"$(touch {marker}); `touch {marker}` | touch {marker} ; & > {marker}";
        var parameters = JsonSerializer.Serialize(new Dictionary<string, string> { ["name"] = value });

        var result = await RunAsync(
            new CommandObjectiveDefinition(["python3", "-c", "import json, sys; p = json.load(sys.stdin); open(sys.argv[1], 'w').write(p['name']); print(0)", output]),
            Context(parameters));

        Assert.Equal(TrialStatus.Ok, result.Status);
        Assert.Equal(value, await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task EvaluateAsync_MetricLines_AreLoggedToTheRunAndTheLastOtherLineIsTheResult()
    {
        var run = new RecordingRunLogger("run-1");
        var context = Context("{}", run: run);

        var result = await RunAsync(
            Sh("""
               echo '{"metric": "rmse", "value": 0.9, "step": 1}'
               echo 'training...'
               echo '{"metric": "rmse", "value": 0.7, "step": 2}'
               echo '{"loss": 0.7, "status": "ok", "attachments": {"trees": 40}}'
               echo '{"metric": "final", "value": 1}'
               """),
            context);

        Assert.Equal(0.7, result.Loss);
        Assert.Equal("40", result.Attachments!["trees"]);
        Assert.Equal([("rmse", 0.9, 1L), ("rmse", 0.7, 2L), ("final", 1.0, 0L)], run.Metrics.ToArray());
    }

    [Fact]
    public async Task EvaluateAsync_NonZeroExit_FailsWithTheExitCodeAndTheLastTwentyStderrLines()
    {
        var result = await RunAsync(Sh("for i in $(seq 1 30); do echo \"err$i\" >&2; done; echo 1; exit 3"));

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal("command_exit", result.Error!.Type);
        Assert.StartsWith("command objective 'test' exited with code 3; stderr tail:\n...\nerr11\n", result.Error.Message, StringComparison.Ordinal);
        Assert.EndsWith("\nerr30", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("err10\n", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluateAsync_Timeout_KillsTheWholeProcessTreeAndFails()
    {
        var pidFile = Path.Combine(directory.FullName, "child.pid");

        var result = await RunAsync(
            Sh("""sleep 300 & echo $! > "$1"; wait""", pidFile) with { Timeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal("timeout", result.Error!.Type);
        Assert.Equal("command objective 'test' timed out after 1 s; its process tree was killed", result.Error.Message);
        var childPid = int.Parse((await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim(), CultureInfo.InvariantCulture);
        Assert.True(await IsGoneAsync(childPid), $"the grandchild sleep (pid {childPid}) outlived the timeout");
    }

    [Fact]
    public async Task EvaluateAsync_Cancelled_KillsTheProcessTreeAndThrowsOperationCanceled()
    {
        var pidFile = Path.Combine(directory.FullName, "child.pid");
        var objective = Create(Sh("""sleep 300 & echo $! > "$1"; wait""", pidFile));
        using var cancellation = new CancellationTokenSource();

        var evaluation = objective.EvaluateAsync(Context("{}"), cancellation.Token);
        var childPid = await ReadPidWhenWrittenAsync(pidFile);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => evaluation);
        Assert.True(await IsGoneAsync(childPid), $"the grandchild sleep (pid {childPid}) outlived the cancellation");
    }

    [Fact]
    public async Task EvaluateAsync_ProgramNotFound_FailsNamingIt()
    {
        var result = await RunAsync(new CommandObjectiveDefinition(["hq-no-such-program-x"]));

        Assert.Equal("command_start", result.Error!.Type);
        Assert.Contains("could not start 'hq-no-such-program-x'", result.Error.Message, StringComparison.Ordinal);
    }

    private static CommandObjectiveDefinition Sh(string script, params string[] arguments) =>
        new(["sh", "-c", script, "sh", .. arguments]);

    private static ObjectiveContext Context(string parametersJson, string? runId = null, string? trackingUri = null, RecordingRunLogger? run = null) => new()
    {
        Parameters = new TrialParameters(JsonDocument.Parse(parametersJson).RootElement.Clone()),
        ExperimentId = Guid.NewGuid(),
        TrialId = Guid.NewGuid(),
        TrialNumber = 5,
        RunId = runId,
        TrackingUri = trackingUri,
        Run = run,
    };

    private CommandObjective Create(CommandObjectiveDefinition definition) =>
        new("test", definition with { WorkingDirectory = definition.WorkingDirectory ?? directory.FullName }, TimeProvider.System, NullLogger<CommandObjective>.Instance);

    private Task<ObjectiveResult> RunAsync(CommandObjectiveDefinition definition, ObjectiveContext? context = null) =>
        Create(definition).EvaluateAsync(context ?? Context("{}"), TestContext.Current.CancellationToken);

    private static async Task<int> ReadPidWhenWrittenAsync(string pidFile)
    {
        while (true)
        {
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken)).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                return pid;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// True once the process no longer exists or is a zombie (killed, waiting for its reaper). SIGKILL is delivered
    /// at once, but the state shows in /proc a moment later; waits up to 10 s for it.
    /// </summary>
    private static async Task<bool> IsGoneAsync(int pid)
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var stat = $"/proc/{pid}/stat";
            if (!File.Exists(stat))
            {
                return true;
            }

            try
            {
                var fields = (await File.ReadAllTextAsync(stat, TestContext.Current.CancellationToken)).Split(')')[^1].Trim();
                if (fields.StartsWith('Z') || fields.StartsWith('X'))
                {
                    return true;
                }
            }
            catch (IOException)
            {
                return true;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return false;
    }
}
