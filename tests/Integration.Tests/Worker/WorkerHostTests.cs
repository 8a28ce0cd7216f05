using System.Text.Json;
using System.Threading.Channels;
using HyperQueue.Contracts;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Objectives;
using HyperQueue.Worker.Registry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace HyperQueue.Integration.Tests.Worker;

public sealed class WorkerHostTests(TestServices services) : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("hq-worker-host-");

    public void Dispose() => directory.Delete(recursive: true);

    [Fact]
    public async Task RunAsync_RealBrokerAndRedis_RespondsTrialCompletedToTheResultsQueueAndObeysCancelExperiment()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = await services.RabbitMq.RequireAsync(cancellationToken);
        var redis = await services.Redis.RequireAsync(cancellationToken);
        // Unique names: the evaluate queues are durable and outlive the test on a shared broker.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var code = $"square-{suffix}";
        var waits = $"wait-{suffix}";
        var command = $"command-{suffix}";
        var workerId = $"it-worker-{suffix}";
        var objectivesFile = Path.Combine(directory.FullName, "objectives.json");
        await File.WriteAllTextAsync(objectivesFile, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [command] = new { command = new[] { "sh", "-c", "cat > /dev/null; echo '{\"metric\": \"m\", \"value\": 1}'; echo 0.75" } },
        }), cancellationToken);

        using var host = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = new Uri(broker.ConnectionString),
                Redis = redis.ConnectionString,
                ObjectivesFile = objectivesFile,
                Slots = 2,
                WorkerId = workerId,
                ConfigureWorker = worker => worker
                    .AddObjective(code, (context, _) => Task.FromResult<ObjectiveResult>(Math.Pow(context.Parameters.GetDouble("x"), 2)))
                    .AddObjective(waits, async (_, token) =>
                    {
                        await Task.Delay(Timeout.Infinite, token);
                        return 0;
                    }),
            },
            cancellationToken);
        await host.StartAsync(cancellationToken);

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var store = new RedisInFlightStore(connection);
        var experimentId = Guid.NewGuid();
        await store.CreateExperimentAsync(experimentId, 3, null, cancellationToken);
        var results = Channel.CreateUnbounded<TrialCompleted>();
        var started = Channel.CreateUnbounded<TrialStarted>();
        var resultsQueue = $"hq.results.{experimentId:N}";
        await using var scheduler = new ServiceCollection()
            .AddMassTransit(bus => bus.UsingRabbitMq((_, rabbit) =>
            {
                rabbit.Host(new Uri(broker.ConnectionString));
                rabbit.ReceiveEndpoint(resultsQueue, endpoint =>
                {
                    endpoint.AutoDelete = true;
                    endpoint.Handler<TrialCompleted>(context => results.Writer.WriteAsync(context.Message).AsTask());
                    endpoint.Handler<TrialStarted>(context => started.Writer.WriteAsync(context.Message).AsTask());
                });
            }))
            .BuildServiceProvider();
        var bus = scheduler.GetRequiredService<IBusControl>();
        await bus.StartAsync(cancellationToken);
        try
        {
            var codeTrial = await SendTrialAsync(bus, store, experimentId, code, resultsQueue, cancellationToken);
            var commandTrial = await SendTrialAsync(bus, store, experimentId, command, resultsQueue, cancellationToken);

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(60));
            var completed = new[] { await results.Reader.ReadAsync(wait.Token), await results.Reader.ReadAsync(wait.Token) }
                .ToDictionary(result => result.TrialId);

            Assert.Equal(TrialStatus.Ok, completed[codeTrial].Status);
            Assert.Equal(6.25, completed[codeTrial].Loss);
            Assert.Equal(workerId, completed[codeTrial].WorkerId);
            Assert.Equal(TrialStatus.Ok, completed[commandTrial].Status);
            Assert.Equal(0.75, completed[commandTrial].Loss);
            var registered = (await new RedisWorkerRegistry(connection).GetLiveWorkersAsync(cancellationToken))
                .Single(worker => worker.WorkerId == workerId);
            Assert.Equal(2, registered.Slots);
            Assert.Equal([command, code, waits], registered.Objectives);

            // CancelExperiment is published: it reaches the worker through its own temporary queue on the broker.
            var waitingTrial = await SendTrialAsync(bus, store, experimentId, waits, resultsQueue, cancellationToken);
            TrialStarted running;
            do
            {
                running = await started.Reader.ReadAsync(wait.Token);
            }
            while (running.TrialId != waitingTrial);

            await bus.Publish(new CancelExperiment { ExperimentId = experimentId, Reason = "timeout" }, cancellationToken);
            var cancelled = await results.Reader.ReadAsync(wait.Token);
            Assert.Equal(waitingTrial, cancelled.TrialId);
            Assert.Equal(TrialStatus.Cancelled, cancelled.Status);
            Assert.Equal("the experiment was cancelled: timeout", cancelled.Error!.Message);
        }
        finally
        {
            await bus.StopAsync(cancellationToken);
            await host.StopAsync(cancellationToken);
        }

        Assert.DoesNotContain(
            await new RedisWorkerRegistry(connection).GetLiveWorkersAsync(cancellationToken),
            worker => worker.WorkerId == workerId);
    }

    private static async Task<Guid> SendTrialAsync(
        IBus bus, RedisInFlightStore store, Guid experimentId, string objective, string resultsQueue, CancellationToken cancellationToken)
    {
        var trialId = Guid.NewGuid();
        Assert.True(await store.TryAcquireSlotAsync(experimentId, trialId, TimeSpan.FromSeconds(30), cancellationToken));
        var endpoint = await bus.GetSendEndpoint(new Uri($"queue:hq.evaluate.{objective}"));
        await endpoint.Send(
            new EvaluateTrial
            {
                ExperimentId = experimentId,
                TrialId = trialId,
                TrialNumber = 0,
                Objective = objective,
                Parameters = JsonDocument.Parse("""{"x": 2.5}""").RootElement.Clone(),
                RawValues = new Dictionary<string, double?> { ["x"] = 2.5 },
            },
            context => context.ResponseAddress = new Uri($"queue:{resultsQueue}?autodelete=true"),
            cancellationToken);
        return trialId;
    }
}
