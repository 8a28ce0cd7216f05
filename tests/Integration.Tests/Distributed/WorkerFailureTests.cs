using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>Distributed trials when a worker process dies: separate <c>hq worker</c> processes on RabbitMQ and Redis.</summary>
public sealed class WorkerFailureTests(TestServices services) : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hq-worker-kill-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task MinimizeAsync_WorkerProcessKilledWhileRunningTrials_CompletesEveryTrialExactlyOnceOnTheSurvivor()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new Uri((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString);
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        var objective = $"it-kill-{Guid.NewGuid().ToString("N")[..8]}";
        var doomedLog = Path.Combine(_directory.FullName, "doomed.log");
        var survivorLog = Path.Combine(_directory.FullName, "survivor.log");
        using var doomed = HqWorkerProcess.Start(broker, redis, await WriteObjectivesAsync("doomed", objective, doomedLog, cancellationToken), slots: 4);
        using var survivor = HqWorkerProcess.Start(broker, redis, await WriteObjectivesAsync("survivor", objective, survivorLog, cancellationToken), slots: 4);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        await WaitForSlotsAsync(backend, objective, 8, cancellationToken);
        var trials = new QueueTrials(backend, objective, parallelism: 6);

        var run = FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 16, seed: 5, showProgress: false, cancellationToken: cancellationToken);
        // Each line is a trial the command started; kill while two of them run (each takes 1 s).
        while (StartedTrials(doomedLog).Count < 2)
        {
            Assert.False(run.IsCompleted, "fmin ended before the worker to kill started two trials:" + Environment.NewLine + doomed.OutputTail);
            await Task.Delay(20, cancellationToken);
        }

        await doomed.KillAsync(cancellationToken);
        var result = await run;

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        Assert.Equal(16, trials.All.Count);
        Assert.Equal(16, trials.All.Select(trial => trial.Id).Distinct().Count());
        Assert.All(trials.All, trial => Assert.Equal(TrialStatus.Ok, trial.Status));
        // The trials the killed worker was running were redelivered by the broker and ran again on the survivor.
        var rerun = StartedTrials(doomedLog).Intersect(StartedTrials(survivorLog)).ToList();
        Assert.NotEmpty(rerun);
        Assert.All(rerun, id => Assert.Contains(trials.All, trial => trial.Id == id));
    }

    [Fact]
    public async Task MinimizeAsync_ObjectiveThatKillsEveryWorkerRunningIt_RunsMaxAttemptsTimesThenFailsTheTrial()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new Uri((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString);
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        var objective = $"it-poison-{Guid.NewGuid().ToString("N")[..8]}";
        var log = Path.Combine(_directory.FullName, "poison.log");
        var objectives = Path.Combine(_directory.FullName, "poison.objectives.json");
        // The command's parent is the worker process: every run of this trial kills the worker running it.
        await File.WriteAllTextAsync(objectives, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [objective] = new { command = new[] { "sh", "-c", """cat > /dev/null; echo "$HQ_TRIAL_ID" >> "$0"; kill -9 $PPID""", log } },
        }), cancellationToken);
        var workers = new List<HqWorkerProcess> { HqWorkerProcess.Start(broker, redis, objectives, slots: 1) };
        try
        {
            await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
            await WaitForSlotsAsync(backend, objective, 1, cancellationToken);
            var trials = new QueueTrials(backend, objective, parallelism: 1);

            var run = FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 1, seed: 5, showProgress: false, cancellationToken: cancellationToken);
            // A replacement for each worker the trial kills, as a supervisor would start; bounded so a bug cannot loop.
            while (!run.IsCompleted && workers.Count < 8)
            {
                if (workers[^1].HasExited)
                {
                    workers.Add(HqWorkerProcess.Start(broker, redis, objectives, slots: 1));
                }

                await Task.WhenAny(run, Task.Delay(50, cancellationToken));
            }

            var error = await Assert.ThrowsAsync<AllTrialsFailedException>(() => run);
            Assert.Contains("1 failed", error.Message, StringComparison.Ordinal);
            var trial = Assert.Single(trials.All);
            Assert.Equal(TrialStatus.Fail, trial.Status);
            Assert.Equal("workers_lost", trial.Error!.Type);
            Assert.Contains("the 3 workers that held it before were lost", trial.Error.Message, StringComparison.Ordinal);
            // It ran exactly MaxAttempts (3) times, each on a worker it then killed; the fourth worker failed it unrun.
            Assert.Equal([trial.Id, trial.Id, trial.Id], File.ReadAllLines(log).Where(line => line.Length > 0).Select(Guid.Parse));
            Assert.Equal(4, workers.Count);
            Assert.False(workers[^1].HasExited, workers[^1].OutputTail);
        }
        finally
        {
            workers.ForEach(worker => worker.Dispose());
        }
    }

    /// <summary>A command objective that notes the trial id in <paramref name="log"/>, runs for 1 s and returns 0.5.</summary>
    private async Task<string> WriteObjectivesAsync(string worker, string objective, string log, CancellationToken cancellationToken)
    {
        var file = Path.Combine(_directory.FullName, $"{worker}.objectives.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [objective] = new { command = new[] { "sh", "-c", """cat > /dev/null; echo "$HQ_TRIAL_ID" >> "$0"; sleep 1; echo 0.5""", log } },
        }), cancellationToken);
        return file;
    }

    private static HashSet<Guid> StartedTrials(string log) =>
        File.Exists(log) ? File.ReadAllLines(log).Where(line => line.Length > 0).Select(Guid.Parse).ToHashSet() : [];

    private static async Task WaitForSlotsAsync(QueueBackend backend, string objective, int slots, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(60));
        while ((await backend.Registry.GetLiveWorkersAsync(wait.Token))
            .Where(worker => worker.Objectives.Contains(objective)).Sum(worker => worker.Slots) < slots)
        {
            await Task.Delay(100, wait.Token);
        }
    }
}
