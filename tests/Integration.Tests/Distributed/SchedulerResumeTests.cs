using System.Text.Json;
using HyperQueue.Scheduler.Cli;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Tracking.Client;
using StoredTrialState = HyperQueue.Tracking.Trials.TrialState;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// <c>hq tune</c> killed with SIGKILL while trials run, then <c>hq tune --resume</c>: the tracking store ends with
/// exactly maxEvals trials, each once, each with the loss its evaluation returned. With a broker the trials left
/// running finish while no scheduler runs and their results wait in the results queue; embedded, they died with
/// the process and are sent again.
/// </summary>
public sealed class SchedulerResumeTests(TestServices services) : IDisposable
{
    private const int MaxEvals = 12;

    /// <summary>
    /// A command objective that returns its parameter x as the loss, after 2 s, noting "start ID" and "done ID" in
    /// the log file given as $0 (sed picks x out of the parameters JSON on stdin).
    /// </summary>
    private const string Script = """
        params=$(cat | tr -d '\n'); x=$(printf '%s' "$params" | sed -E 's/.*"x": *([-0-9.eE+]+).*/\1/')
        echo "start $HQ_TRIAL_ID" >> "$0"; sleep 2; echo "done $HQ_TRIAL_ID" >> "$0"; echo "$x"
        """;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hq-resume-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Tune_SchedulerKilledWhileTrialsRunThenResumed_StoreHoldsMaxEvalsTrialsOnceWithTheResultsThatArrivedWhileItWasDown()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var log = Path.Combine(_directory.FullName, "evaluations.log");
        var (backend, worker, spec) = await StartWorkerAsync(log, cancellationToken);
        using var _ = worker;

        var (runningAtKill, starts) = await KillThenResumeAsync(spec, log, backend, cancellationToken);

        // Their results waited in the results queue and were taken from there: none ran a second time.
        Assert.All(runningAtKill, id => Assert.Equal(1, starts[id]));
        Assert.All(starts, start => Assert.InRange(start.Value, 1, 2));
    }

    [Fact]
    public async Task Tune_EmbeddedSchedulerKilledWhileTrialsRunThenResumed_StoreHoldsMaxEvalsTrialsOnceAndTheLostOnesRanAgain()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var log = Path.Combine(_directory.FullName, "evaluations.log");
        var spec = await WriteSpecAsync(new { command = Command(log) }, cancellationToken);

        var (runningAtKill, starts) = await KillThenResumeAsync(spec, log, [], cancellationToken);

        // The embedded workers died with the scheduler, and their results with them: each was sent once more.
        Assert.All(runningAtKill, id => Assert.Equal(2, starts[id]));
    }

    [Fact]
    public async Task Tune_SchedulerSentSigtermThenResumed_ExitsAsInterruptedAndTheResumedTrialsAllRun()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMinutes(3));
        var log = Path.Combine(_directory.FullName, "evaluations.log");
        // The worker outlives the interrupted scheduler: it hears that run's CancelExperiment and must still run the
        // resumed run's trials (it used to remember the cancel and refuse them).
        var (backend, worker, spec) = await StartWorkerAsync(log, cancellationToken);
        using var _ = worker;
        var tracking = "sqlite:" + Path.Combine(_directory.FullName, "runs.db");

        using (var first = HqTuneProcess.Start(_directory.FullName, [spec, .. backend, "--tracking", tracking, "--no-progress"]))
        {
            while (Read(log, "start").Count < 4)
            {
                Assert.False(first.HasExited, "hq tune ended before four trials started:" + Environment.NewLine + first.StderrTail);
                await Task.Delay(20, wait.Token);
            }

            // The host inside hq tune used to stop the bus on SIGTERM too, under the experiment, which then failed.
            await first.TerminateAsync(wait.Token);
            Assert.Equal(130, await first.WaitForExitAsync(wait.Token));
            Assert.Contains(first.StderrTail.Split(Environment.NewLine), line => line.StartsWith("hq tune: interrupted; ", StringComparison.Ordinal));
        }

        var firstRun = Read(log, "start").Keys.ToHashSet();

        using var resumed = HqTuneProcess.Start(_directory.FullName, [spec, .. backend, "--tracking", tracking, "--resume", "--json", "--no-progress"]);
        Assert.True(await resumed.WaitForExitAsync(wait.Token) == 0, resumed.StderrTail);
        // The log below Warning stays off, MassTransit's included (a rule that quieted it until the bus started once let
        // its debug lines through after).
        Assert.DoesNotContain(resumed.StderrTail.Split(Environment.NewLine), line => line.StartsWith("dbug:", StringComparison.Ordinal) || line.StartsWith("info:", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(resumed.Stdout);
        var trials = json.RootElement.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(MaxEvals, trials.Count);
        // What ran when the signal came was cancelled with the interrupted run; every trial the resumed run sent ran.
        var cancelled = trials.Where(trial => trial.GetProperty("status").GetString() == "cancelled").ToList();
        Assert.All(cancelled, trial => Assert.Contains(Guid.Parse(trial.GetProperty("id").GetString()!), firstRun));
        Assert.Equal(MaxEvals - cancelled.Count, trials.Count(trial => trial.GetProperty("status").GetString() == "ok"));
    }

    [Fact]
    public async Task Tune_SigtermWhileNoWorkerAnswers_ExitsAsInterruptedWithEveryTrialCancelledAndTheRunKilled()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMinutes(2));
        var log = Path.Combine(_directory.FullName, "evaluations.log");
        var (backend, worker, spec) = await StartWorkerAsync(log, cancellationToken);
        using var _ = worker;
        var objective = JsonDocument.Parse(await File.ReadAllTextAsync(spec, wait.Token)).RootElement.GetProperty("objective").GetString();
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(backend[3]))
        {
            var registry = new HyperQueue.Worker.Registry.RedisWorkerRegistry(redis);
            while (!(await registry.GetLiveWorkersAsync(wait.Token)).Any(live => live.Objectives.Contains(objective)))
            {
                Assert.False(worker.HasExited, "hq worker ended before it registered:" + Environment.NewLine + worker.OutputTail);
                await Task.Delay(20, wait.Token);
            }
        }

        // A worker that is registered but answers nothing (stopped): the trials wait for it, and so does the cancel.
        // The scheduler gives the workers QueueTrialRunner.CancellationGrace (3 s) to answer it, longer than
        // System.CommandLine's default 2 s after a signal, which used to end the process with the run RUNNING.
        Signal("STOP", worker.Id);
        try
        {
            var tracking = "sqlite:" + Path.Combine(_directory.FullName, "runs.db");
            var name = Path.GetFileNameWithoutExtension(spec);
            using var tune = HqTuneProcess.Start(_directory.FullName, [spec, .. backend, "--tracking", tracking, "--no-progress"]);
            await using (var client = TrackingClient.Create(tracking))
            {
                while ((await client.GetExperimentByNameAsync(name, wait.Token)) is not { } experiment
                    || (await client.ListTrialsAsync(experiment.ExperimentId, cancellationToken: wait.Token)).Count < 3)
                {
                    Assert.False(tune.HasExited, "hq tune ended before it sent three trials:" + Environment.NewLine + tune.StderrTail);
                    await Task.Delay(50, wait.Token);
                }
            }

            // Past the dispatch and the reaper's first tick: the scheduler holds the three as in flight, so the
            // interrupt waits the grace for them before it records them.
            await Task.Delay(TimeSpan.FromSeconds(8), wait.Token);
            await tune.TerminateAsync(wait.Token);

            Assert.True(await tune.WaitForExitAsync(wait.Token) == 130, tune.StderrTail);
            Assert.Contains("hq tune: interrupted; 3 trials are recorded (continue with --resume)", tune.StderrTail.Split(Environment.NewLine));
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.True(HqCommand.Run(["experiments", "show", name, "--tracking", tracking, "--json"], stdout, stderr) == 0, stderr.ToString());
            using var shown = JsonDocument.Parse(stdout.ToString());
            Assert.Equal("KILLED", shown.RootElement.GetProperty("status").GetString());
            Assert.Equal(3, shown.RootElement.GetProperty("counts").GetProperty("cancelled").GetInt32());
            var parent = Assert.Single(shown.RootElement.GetProperty("parentRuns").EnumerateArray());
            Assert.Equal("interrupted", parent.GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.String, parent.GetProperty("endTime").ValueKind);
        }
        finally
        {
            Signal("CONT", worker.Id);
        }
    }

    private static void Signal(string signal, int processId)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// Runs the spec, kills the scheduler once four trials have started (the first of three done, three running),
    /// lets the trials it left running finish, resumes, and checks the store. Returns the trials running at the
    /// kill and how many times each trial was evaluated.
    /// </summary>
    private async Task<(IReadOnlyCollection<Guid> RunningAtKill, IReadOnlyDictionary<Guid, int> Starts)> KillThenResumeAsync(
        string spec, string log, string[] backend, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromMinutes(3));
        var tracking = "sqlite:" + Path.Combine(_directory.FullName, "runs.db");
        HashSet<Guid> runningAtKill;
        using (var first = HqTuneProcess.Start(_directory.FullName, [spec, .. backend, "--tracking", tracking, "--no-progress"]))
        {
            while (Read(log, "start").Count < 4)
            {
                Assert.False(first.HasExited, "hq tune ended before four trials started:" + Environment.NewLine + first.StderrTail);
                await Task.Delay(20, wait.Token);
            }

            await first.KillAsync(wait.Token);
            runningAtKill = [.. Read(log, "start").Keys.Except(Read(log, "done").Keys)];
        }

        Assert.NotEmpty(runningAtKill);
        // No scheduler runs now; the trials it left running finish all the same.
        while (!runningAtKill.All(Read(log, "done").ContainsKey))
        {
            await Task.Delay(50, wait.Token);
        }

        using var resumed = HqTuneProcess.Start(_directory.FullName, [spec, .. backend, "--tracking", tracking, "--resume", "--json", "--no-progress"]);
        int code;
        try
        {
            code = await resumed.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Assert.Fail("hq tune --resume did not end:" + Environment.NewLine + resumed.StderrTail);
            throw;
        }


        Assert.True(code == 0, $"hq tune --resume exited {code}:{Environment.NewLine}{resumed.StderrTail}");
        await using var client = TrackingClient.Create(tracking);
        var experiment = await client.FindExperimentAsync(Path.GetFileNameWithoutExtension(spec), wait.Token);
        Assert.NotNull(experiment);
        var stored = await client.ListTrialsAsync(experiment.ExperimentId, cancellationToken: wait.Token);
        Assert.Equal(Enumerable.Range(0, MaxEvals), stored.Select(trial => trial.Number).Order());
        Assert.Equal(MaxEvals, stored.Select(trial => trial.TrialId).Distinct().Count());
        // Every trial finished ok with the loss its evaluation returned (the objective returns x).
        Assert.All(stored, trial =>
        {
            Assert.Equal(StoredTrialState.Done, trial.State);
            Assert.Equal(trial.Parameters.GetProperty("x").GetDouble(), trial.Loss);
        });
        var starts = Read(log, "start");
        // Nothing evaluated is missing from the store, and nothing in the store was left unevaluated.
        Assert.Equal(stored.Select(trial => trial.TrialId).Order(), starts.Keys.Order());
        using var json = JsonDocument.Parse(resumed.Stdout);
        Assert.Equal(MaxEvals, json.RootElement.GetProperty("trials").GetArrayLength());
        return (runningAtKill, starts);
    }

    private static string[] Command(string log) => ["sh", "-c", Script, log];

    /// <summary>
    /// One <c>hq worker</c> process of three slots serving a new objective that runs <see cref="Script"/>, and a spec
    /// for that objective; returns the <c>--broker</c>/<c>--redis</c> arguments that reach it.
    /// </summary>
    private async Task<(string[] Backend, HqWorkerProcess Worker, string Spec)> StartWorkerAsync(string log, CancellationToken cancellationToken)
    {
        var broker = (await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString;
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        var objective = $"it-resume-{Guid.NewGuid().ToString("N")[..8]}";
        var objectives = Path.Combine(_directory.FullName, "objectives.json");
        await File.WriteAllTextAsync(
            objectives, JsonSerializer.Serialize(new Dictionary<string, object> { [objective] = new { command = Command(log) } }), cancellationToken);
        var worker = HqWorkerProcess.Start(new Uri(broker), redis, objectives, slots: 3);
        return (["--broker", broker, "--redis", redis], worker, await WriteSpecAsync(objective, cancellationToken));
    }

    /// <summary>The spec file is named after the experiment, so the test finds it in the store by the file name.</summary>
    private async Task<string> WriteSpecAsync(object objective, CancellationToken cancellationToken)
    {
        var name = $"it-resume-{Guid.NewGuid().ToString("N")[..8]}";
        var path = Path.Combine(_directory.FullName, name + ".json");
        await File.WriteAllTextAsync(
            path,
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["name"] = name,
                ["objective"] = objective,
                ["maxEvals"] = MaxEvals,
                ["parallelism"] = 3,
                ["seed"] = 4,
                ["algo"] = "rand",
                ["space"] = new { x = new Dictionary<string, object> { ["$hp"] = "uniform", ["low"] = 0, ["high"] = 1 } },
            }),
            cancellationToken);
        return path;
    }

    /// <summary>How many times the log notes each trial id with <paramref name="what"/> ("start" or "done").</summary>
    private static Dictionary<Guid, int> Read(string log, string what) =>
        (File.Exists(log) ? File.ReadAllLines(log) : [])
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 2 && parts[0] == what)
            .GroupBy(parts => Guid.Parse(parts[1]))
            .ToDictionary(group => group.Key, group => group.Count());
}
