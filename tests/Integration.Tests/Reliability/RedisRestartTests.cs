using HyperQueue.Integration.Tests.Distributed;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Leases;
using Microsoft.Extensions.Hosting;

namespace HyperQueue.Integration.Tests.Reliability;

/// <summary>
/// Redis restarted mid-experiment without persistence: every slot, lease and the experiment itself vanish, and the
/// scheduler rebuilds them from the trials it knows are in flight.
/// </summary>
public sealed class RedisRestartTests(TestServices services)
{
    private const int MaxEvals = 40;
    private const int Parallelism = 4;

    // A fault that loses a trial hangs fmin: fail after a generous bound instead of blocking the run.
    [Fact(Timeout = 180_000)]
    public async Task MinimizeAsync_RedisRestartedMidExperiment_RebuildsInFlightStateAndCompletesEveryTrialOnceWithinParallelism()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new Uri((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString);
        // This test's own server: restarting the fixture's one would wipe the state of every other test.
        await using var redisServer = await services.Redis.StartPrivateServerAsync(cancellationToken);
        var redis = redisServer.ConnectionString;
        var objective = $"it-redis-restart-{Guid.NewGuid().ToString("N")[..8]}";
        var probe = new ObjectiveProbe(TimeSpan.FromMilliseconds(400), TimeProvider.System);
        using var first = await StartWorkerAsync(broker, redis, objective, probe, cancellationToken);
        using var second = await StartWorkerAsync(broker, redis, objective, probe, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var trials = new QueueTrials(
            backend,
            objective,
            parallelism: Parallelism,
            options: new QueueTrialsOptions { QueueTimeout = TimeSpan.FromSeconds(20), ResumeGrace = TimeSpan.FromSeconds(20), ReapInterval = TimeSpan.FromMilliseconds(200) });

        var run = FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: MaxEvals, seed: 23, showProgress: false, cancellationToken: cancellationToken);
        await WaitUntilAsync(() => probe.Finished.Count >= 8 || run.IsCompleted, cancellationToken);
        Assert.False(run.IsCompleted, "fmin ended before Redis was restarted");
        await redisServer.LocalServer!.StopAsync(cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        await redisServer.LocalServer.StartAsync(cancellationToken);
        var result = await run;

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        ExactTrials.AssertAllOkOnce(trials, MaxEvals);
        // Each evaluation the objective ran belongs to the experiment, and none ran beyond the parallelism, before,
        // during or after the outage.
        Assert.All(probe.Evaluations, id => Assert.Contains(trials.All, trial => trial.Id == id));
        Assert.InRange(probe.MaxConcurrency, 1, Parallelism);
        // The experiment was rebuilt with its parallelism, and no slot is left taken.
        var liveness = await backend.Store.GetExperimentAsync(trials.ExperimentId, cancellationToken);
        Assert.Equal(ExperimentState.Running, liveness.State);
        Assert.Equal(Parallelism, liveness.Parallelism);
        Assert.Empty(await backend.Store.GetInFlightAsync(trials.ExperimentId, cancellationToken));

        await first.StopAsync(CancellationToken.None);
        await second.StopAsync(CancellationToken.None);
    }

    /// <summary>An in-process worker with short heartbeats, so leases are renewed (and fail) during the outage.</summary>
    private static async Task<IHost> StartWorkerAsync(Uri broker, string redis, string objective, ObjectiveProbe probe, CancellationToken cancellationToken)
    {
        var host = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = broker,
                Redis = redis,
                Slots = 3,
                ConfigureWorker = worker =>
                {
                    worker.AddObjective(objective, probe.EvaluateAsync);
                    worker.Configure(options =>
                    {
                        options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
                        options.LeaseDuration = TimeSpan.FromSeconds(15);
                    });
                },
            },
            cancellationToken);
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, wait.Token);
        }
    }
}
