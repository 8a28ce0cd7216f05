using System.Text;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>Messages a worker cannot run and trials no worker answers, on a real RabbitMQ broker and Redis server.</summary>
public sealed class TrialDispatcherTests(TestServices services)
{
    [Fact]
    public async Task TryDispatchAsync_UnknownObjectiveAndInvalidMessage_FailOnceWithTheReasonAndTheNextTrialRuns()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        var objective = UniqueName("served");
        var workerId = UniqueName("worker");
        using var worker = await StartWorkerAsync(broker, redis, objective, workerId, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var settings = Settings(objective);
        await using var dispatcher = CreateDispatcher(backend, settings);
        await dispatcher.StartAsync(cancellationToken);

        var unknown = Trial(settings) with { Objective = "it-nobody-serves-this" };
        var invalid = Trial(settings) with { Attempt = 0 };
        var valid = Trial(settings);
        foreach (var trial in new[] { unknown, invalid, valid })
        {
            Assert.True(await dispatcher.TryDispatchAsync(trial, cancellationToken));
        }

        var completed = await ReadAsync(dispatcher, 3, cancellationToken);

        Assert.Equal(TrialStatus.Fail, completed[unknown.TrialId].Status);
        Assert.Equal("unknown_objective", completed[unknown.TrialId].Error!.Type);
        Assert.Equal(
            $"objective 'it-nobody-serves-this' is not served by worker '{workerId}', which serves: {objective}",
            completed[unknown.TrialId].Error!.Message);
        Assert.Equal(TrialStatus.Fail, completed[invalid.TrialId].Status);
        Assert.Equal("invalid_message", completed[invalid.TrialId].Error!.Type);
        Assert.Equal("EvaluateTrial.Attempt (0) must be at least 1", completed[invalid.TrialId].Error!.Message);
        Assert.Equal(TrialStatus.Ok, completed[valid.TrialId].Status);
        Assert.Equal(0.25, completed[valid.TrialId].Loss);
        // Answered once each: nothing left in flight, and every slot is free again.
        Assert.Equal(0, dispatcher.InFlightCount);
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));

        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ReapLoop_NoWorkerEverAnswers_ResendsUntilTheAttemptsAreUsedThenFailsWithTheReason()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        // A queue nobody consumes: the trial's lease is never renewed.
        var objective = UniqueName("unserved");
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var settings = Settings(objective) with { QueueTimeout = TimeSpan.FromMilliseconds(500), ReapInterval = TimeSpan.FromMilliseconds(100), MaxAttempts = 2 };
        await using var dispatcher = CreateDispatcher(backend, settings);
        await dispatcher.StartAsync(cancellationToken);
        var trial = Trial(settings);

        Assert.True(await dispatcher.TryDispatchAsync(trial, cancellationToken));
        var completed = (await ReadAsync(dispatcher, 1, cancellationToken))[trial.TrialId];

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal(2, completed.Attempt);
        Assert.Equal("lease_expired", completed.Error!.Type);
        Assert.Equal(
            "no worker started attempt 2 of 2 within the queue timeout of 0.5 s",
            completed.Error.Message);
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));
        // Both attempts were sent: the first, then one retry after its lease expired.
        Assert.Equal(2u, await CountMessagesAsync(broker, QueueNames.Evaluate(objective), cancellationToken));
        await DeleteQueueAsync(broker, QueueNames.Evaluate(objective), cancellationToken);
    }

    [Fact]
    public async Task MinimizeAsync_GarbageBodyOnTheEvaluateQueue_IsSetAsideAndTheExperimentCompletes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        var objective = UniqueName("garbage");
        using var worker = await StartWorkerAsync(broker, redis, objective, UniqueName("worker"), cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        await PublishRawAsync(broker, QueueNames.Evaluate(objective), "{ this is not an EvaluateTrial", cancellationToken);
        var trials = new QueueTrials(backend, objective, parallelism: 2);

        var result = await FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 6, seed: 9, showProgress: false, cancellationToken: cancellationToken);

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        Assert.Equal(6, result.Counts.Succeeded);
        // MassTransit moves a body it cannot read to the queue's _error queue once, instead of redelivering it.
        Assert.Equal(1u, await WaitForMessagesAsync(broker, QueueNames.Evaluate(objective) + "_error", cancellationToken));

        await worker.StopAsync(CancellationToken.None);
    }

    private async Task<(Uri Broker, string Redis)> RequireServicesAsync(CancellationToken cancellationToken)
    {
        var broker = await services.RabbitMq.RequireAsync(cancellationToken);
        var redis = await services.Redis.RequireAsync(cancellationToken);
        return (new Uri(broker.ConnectionString), redis.ConnectionString);
    }

    private static string UniqueName(string purpose) => $"it-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    private static DispatchSettings Settings(string objective) => new(
        Guid.NewGuid(), objective, Parallelism: 4, Deadline: null, QueueTimeout: TimeSpan.FromSeconds(30), MaxAttempts: 3,
        ReapInterval: TimeSpan.FromSeconds(1), ResultsQueueExpiry: TimeSpan.FromMinutes(5), ResumeGrace: TimeSpan.FromSeconds(60));

    private static TrialDispatcher CreateDispatcher(QueueBackend backend, DispatchSettings settings) =>
        new(backend.Bus, backend.EndpointConnector, backend.Store, settings, backend.Time, NullLogger.Instance);

    private static EvaluateTrial Trial(DispatchSettings settings) => new()
    {
        ExperimentId = settings.ExperimentId,
        TrialId = Guid.NewGuid(),
        TrialNumber = 0,
        Objective = settings.Objective,
        Parameters = JsonDocument.Parse("""{"x": 0.5}""").RootElement.Clone(),
        RawValues = new Dictionary<string, double?> { ["x"] = 0.5 },
    };

    private static async Task<Dictionary<Guid, TrialCompleted>> ReadAsync(TrialDispatcher dispatcher, int count, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        var completed = new Dictionary<Guid, TrialCompleted>();
        while (completed.Count < count)
        {
            var next = await dispatcher.Completions.ReadAsync(wait.Token);
            Assert.True(completed.TryAdd(next.TrialId, next), $"trial {next.TrialId} completed twice");
        }

        return completed;
    }

    private static async Task<IHost> StartWorkerAsync(Uri broker, string redis, string objective, string workerId, CancellationToken cancellationToken)
    {
        var host = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = broker,
                Redis = redis,
                Slots = 2,
                WorkerId = workerId,
                ConfigureWorker = worker => worker.AddObjective(
                    objective, (context, _) => Task.FromResult<ObjectiveResult>(Math.Pow(context.Parameters.GetDouble("x"), 2))),
            },
            cancellationToken);
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static async Task PublishRawAsync(Uri broker, string queue, string body, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
        await channel.BasicPublishAsync(
            exchange: "",
            routingKey: queue,
            mandatory: false,
            basicProperties: new BasicProperties { ContentType = "application/vnd.masstransit+json", Persistent = true },
            body: Encoding.UTF8.GetBytes(body),
            cancellationToken: cancellationToken);
    }

    private static async Task<uint> CountMessagesAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return await channel.MessageCountAsync(queue, cancellationToken);
    }

    /// <summary>The queue's message count once it exists and is not empty (the move to it is asynchronous).</summary>
    private static async Task<uint> WaitForMessagesAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            try
            {
                if (await CountMessagesAsync(broker, queue, wait.Token) is > 0 and var count)
                {
                    return count;
                }
            }
            catch (OperationInterruptedException)
            {
                // Not declared yet: a passive declare of a missing queue closes the channel with 404.
            }

            await Task.Delay(50, wait.Token);
        }
    }

    private static async Task DeleteQueueAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeleteAsync(queue, cancellationToken: cancellationToken);
    }
}
