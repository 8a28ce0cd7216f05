using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Hosting;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>QueueTrials on a real RabbitMQ broker and Redis server, with in-process worker hosts.</summary>
public sealed class QueueTrialsTests(TestServices services)
{
    [Fact]
    public async Task MinimizeAsync_TwoWorkersOfFourSlotsAtParallelismSix_CompletesEveryTrialOnceAndRunsAtMostSixAtOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var objective = UniqueObjective("concurrency");
        var probe = new ObjectiveProbe(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        using var first = await StartWorkerAsync(broker, redis, objective, probe.EvaluateAsync, slots: 4, cancellationToken);
        using var second = await StartWorkerAsync(broker, redis, objective, probe.EvaluateAsync, slots: 4, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);

        await DistributedScenarios.AssertParallelismIsEnforcedAsync(backend, objective, probe, cancellationToken);

        await StopAsync(first, second);
    }

    [Fact]
    public async Task MinimizeAsync_TimeoutOfTwoSecondsWithOneSecondTrials_CancelsRunningTrialsAndStartsNoneAfterTheDeadline()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var objective = UniqueObjective("timeout");
        var probe = new ObjectiveProbe(TimeSpan.FromSeconds(1), TimeProvider.System);
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        using var first = await StartWorkerAsync(broker, redis, objective, probe.EvaluateAsync, slots: 2, cancellationToken);
        using var second = await StartWorkerAsync(broker, redis, objective, probe.EvaluateAsync, slots: 2, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);

        await DistributedScenarios.AssertTimeoutCancelsRunningTrialsAsync(backend, objective, probe, cancellationToken);

        await StopAsync(first, second);
    }

    [Fact]
    public async Task MinimizeAsync_ParallelismAboveTheMaximumOrTheEvaluations_IsReducedWithAWarningSayingToWhat()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var objective = UniqueObjective("clamp");
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        using var worker = await StartWorkerAsync(
            broker, redis, objective, (context, _) => Task.FromResult<ObjectiveResult>(context.Parameters.GetDouble("x")), slots: 130, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);

        var aboveMaximum = new QueueTrials(backend, objective, parallelism: 200);
        await FMin.MinimizeAsync(aboveMaximum, DistributedScenarios.Space, Algo.Rand(), maxEvals: 129, seed: 3, showProgress: false, cancellationToken: cancellationToken);
        var aboveEvaluations = new QueueTrials(backend, objective, parallelism: 6);
        await FMin.MinimizeAsync(aboveEvaluations, DistributedScenarios.Space, Algo.Rand(), maxEvals: 3, seed: 3, showProgress: false, cancellationToken: cancellationToken);

        Assert.Equal(128, aboveMaximum.Parallelism);
        Assert.Equal(["parallelism 200 is above the maximum of 128; using 128"], aboveMaximum.ParallelismWarnings);
        Assert.Equal(129, aboveMaximum.Counts.Succeeded);
        Assert.Equal(3, aboveEvaluations.Parallelism);
        Assert.Equal(["parallelism 6 is above the 3 evaluations remaining; using 3"], aboveEvaluations.ParallelismWarnings);
        Assert.Equal(3, aboveEvaluations.Counts.Succeeded);

        await StopAsync(worker);
    }

    [Fact]
    public async Task MinimizeAsync_NoLiveWorkerServesTheObjective_FailsAfterWorkerWaitNamingItAndWhatWorkersServe()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var served = UniqueObjective("served");
        var missing = UniqueObjective("missing");
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        using var worker = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = broker,
                Redis = redis,
                Slots = 3,
                WorkerId = served + "-worker",
                ConfigureWorker = worker => worker.AddObjective(served, (_, _) => Task.FromResult<ObjectiveResult>(0)),
            },
            cancellationToken);
        await worker.StartAsync(cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var trials = new QueueTrials(backend, missing, options: new QueueTrialsOptions { WorkerWait = TimeSpan.FromSeconds(1) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FMin.MinimizeAsync(
            trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 2, showProgress: false, cancellationToken: cancellationToken));

        Assert.StartsWith($"no live worker serves the objective '{missing}' after waiting 1 s; live workers serve: ", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{served}-worker (3 slots): {served}", error.Message, StringComparison.Ordinal);
        Assert.Empty(trials.All);

        await StopAsync(worker);
    }

    private async Task<(Uri Broker, string Redis)> RequireServicesAsync(CancellationToken cancellationToken)
    {
        var broker = await services.RabbitMq.RequireAsync(cancellationToken);
        var redis = await services.Redis.RequireAsync(cancellationToken);
        return (new Uri(broker.ConnectionString), redis.ConnectionString);
    }

    /// <summary>Evaluate queues are durable and the Redis registry is shared: each test serves its own objective.</summary>
    private static string UniqueObjective(string purpose) => $"it-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    private static async Task<IHost> StartWorkerAsync(
        Uri broker,
        string redis,
        string objective,
        Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> evaluate,
        int slots,
        CancellationToken cancellationToken)
    {
        var host = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = broker,
                Redis = redis,
                Slots = slots,
                ConfigureWorker = worker => worker.AddObjective(objective, evaluate),
            },
            cancellationToken);
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task StopAsync(params IHost[] hosts)
    {
        foreach (var host in hosts)
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
