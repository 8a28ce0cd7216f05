using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Integration.Tests.Distributed;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

namespace HyperQueue.Integration.Tests.Reliability;

/// <summary>
/// The RabbitMQ broker stopped and started again mid-experiment: durable queues and persistent messages survive it,
/// and the scheduler and the workers reconnect on their own.
/// </summary>
public sealed class RabbitMqRestartTests(TestServices services)
{
    private const int MaxEvals = 30;
    private const int Parallelism = 4;

    // A fault that loses a trial hangs fmin: fail after a generous bound instead of blocking the run.
    [Fact(Timeout = 180_000)]
    public async Task MinimizeAsync_BrokerRestartedMidExperiment_SchedulerAndWorkersReconnectAndCompleteEveryTrialOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        // This test's own broker: restarting the fixture's one would cut every other test's connections.
        await using var rabbit = await services.RabbitMq.StartPrivateServerAsync(cancellationToken);
        var broker = new Uri(rabbit.ConnectionString);
        var objective = $"it-rabbit-restart-{Guid.NewGuid().ToString("N")[..8]}";
        var probe = new ObjectiveProbe(TimeSpan.FromMilliseconds(400), TimeProvider.System);
        using var first = await StartWorkerAsync(broker, redis, objective, probe, cancellationToken);
        using var second = await StartWorkerAsync(broker, redis, objective, probe, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var trials = new QueueTrials(backend, objective, parallelism: Parallelism);

        var run = FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: MaxEvals, seed: 29, showProgress: false, cancellationToken: cancellationToken);
        await WaitUntilAsync(() => probe.Finished.Count >= 8 || run.IsCompleted, cancellationToken);
        Assert.False(run.IsCompleted, "fmin ended before the broker was restarted");
        // A trial parked on a queue nobody consumes: it must be on disk to outlive the restart.
        var parked = QueueNames.Evaluate(objective + "-parked");
        var sendParked = await backend.Bus.GetSendEndpoint(new Uri($"queue:{parked}"));
        await sendParked.Send(ParkedTrial(objective), cancellationToken);
        await rabbit.LocalServer!.StopAsync(cancellationToken);
        await rabbit.LocalServer.StartAsync(cancellationToken);
        var result = await run;
        var survivor = await GetOneAsync(broker, parked, cancellationToken);

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        ExactTrials.AssertAllOkOnce(trials, MaxEvals);
        Assert.All(probe.Evaluations, id => Assert.Contains(trials.All, trial => trial.Id == id));
        Assert.Empty(await backend.Store.GetInFlightAsync(trials.ExperimentId, cancellationToken));
        // MassTransit sends persistent messages to durable queues by default, which is what kept the queued trials and
        // the results sent to the experiment's results queue across the restart.
        Assert.NotNull(survivor);
        Assert.True(survivor.BasicProperties.Persistent);

        await first.StopAsync(CancellationToken.None);
        await second.StopAsync(CancellationToken.None);
    }

    private static EvaluateTrial ParkedTrial(string objective) => new()
    {
        ExperimentId = Guid.NewGuid(),
        TrialId = Guid.NewGuid(),
        TrialNumber = 0,
        Objective = objective,
        Parameters = JsonDocument.Parse("""{"x": 0.5}""").RootElement.Clone(),
        RawValues = new Dictionary<string, double?> { ["x"] = 0.5 },
    };

    private static async Task<BasicGetResult?> GetOneAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return await channel.BasicGetAsync(queue, autoAck: true, cancellationToken);
    }

    private static async Task<IHost> StartWorkerAsync(Uri broker, string redis, string objective, ObjectiveProbe probe, CancellationToken cancellationToken)
    {
        var host = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = broker,
                Redis = redis,
                Slots = 3,
                ConfigureWorker = worker => worker.AddObjective(objective, probe.EvaluateAsync),
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
