using System.Text.Json;
using HyperQueue.Integration.Tests.Distributed;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;

namespace HyperQueue.Integration.Tests.Reliability;

/// <summary>Worker processes SIGKILLed again and again while they run trials, each replaced by a new one.</summary>
public sealed class WorkerKillTests(TestServices services) : IDisposable
{
    private const int Kills = 3;
    private const int MaxEvals = 32;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hq-worker-kills-");

    public void Dispose() => _directory.Delete(recursive: true);

    // A fault that loses a trial hangs fmin: fail after a generous bound instead of blocking the run.
    [Fact(Timeout = 180_000)]
    public async Task MinimizeAsync_ThreeWorkersKilledMidTrialAndReplaced_CompletesEveryTrialExactlyOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new Uri((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString);
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        var objective = $"it-kills-{Guid.NewGuid().ToString("N")[..8]}";
        var workers = new List<(HqWorkerProcess Process, string Log)>();
        try
        {
            HqWorkerProcess StartWorker()
            {
                var log = Path.Combine(_directory.FullName, $"worker{workers.Count}.log");
                var process = HqWorkerProcess.Start(broker, redis, WriteObjectives(workers.Count, objective, log), slots: 3);
                workers.Add((process, log));
                return process;
            }

            StartWorker();
            StartWorker();
            await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
            await WaitForSlotsAsync(backend, objective, 6, cancellationToken);
            // The three kills may all land on one trial (each replacement can be given the trial its predecessor was
            // killed running): lost three times, it would use up the default three attempts and fail, which is the
            // poison-trial rule (WorkerFailureTests). Here every trial must survive, so it may run once per kill more.
            var trials = new QueueTrials(backend, objective, parallelism: 4, options: new QueueTrialsOptions { MaxAttempts = Kills + 1 });

            var run = FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: MaxEvals, seed: 17, showProgress: false, cancellationToken: cancellationToken);
            // Each round kills the oldest live worker within 20 ms of it starting a trial (each runs 0.5 s, so that
            // trial is running at the kill) and starts a replacement, so the experiment always has a worker to go on.
            for (var kill = 0; kill < Kills; kill++)
            {
                var (victim, victimLog) = workers[kill];
                var startedBefore = StartedTrials(victimLog).Count;
                while (StartedTrials(victimLog).Count == startedBefore)
                {
                    Assert.False(run.IsCompleted, $"fmin ended before worker {kill} started another trial:{Environment.NewLine}{victim.OutputTail}");
                    await Task.Delay(20, cancellationToken);
                }

                await victim.KillAsync(cancellationToken);
                StartWorker();
            }

            var result = await run;

            Assert.Equal(StopReason.MaxEvals, result.StopReason);
            ExactTrials.AssertAllOkOnce(trials, MaxEvals);
            var ids = trials.All.Select(trial => trial.Id).ToHashSet();
            var started = workers.Select(worker => StartedTrials(worker.Log)).ToList();
            Assert.All(started.SelectMany(trialIds => trialIds), id => Assert.Contains(id, ids));
            // Each victim was killed within 20 ms of starting a 0.5 s trial: the broker redelivered that trial and
            // another worker ran it, so every victim shares a trial with some other worker.
            for (var kill = 0; kill < Kills; kill++)
            {
                var others = started.Where((_, index) => index != kill).SelectMany(trialIds => trialIds).ToHashSet();
                Assert.True(started[kill].Overlaps(others), $"no trial of killed worker {kill} ran again on another worker");
            }

            // Nothing is left holding a slot once fmin returned.
            Assert.Empty(await backend.Store.GetInFlightAsync(trials.ExperimentId, cancellationToken));
        }
        finally
        {
            foreach (var (process, _) in workers)
            {
                process.Dispose();
            }
        }
    }

    /// <summary>A command objective that notes the trial id in <paramref name="log"/>, runs for 0.5 s and returns 0.5.</summary>
    private string WriteObjectives(int worker, string objective, string log)
    {
        var file = Path.Combine(_directory.FullName, $"worker{worker}.objectives.json");
        File.WriteAllText(file, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [objective] = new { command = new[] { "sh", "-c", """cat > /dev/null; echo "$HQ_TRIAL_ID" >> "$0"; sleep 0.5; echo 0.5""", log } },
        }));
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
