using System.Text;
using HyperQueue.Contracts;
using HyperQueue.Integration.Tests.Distributed;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Hosting;

namespace HyperQueue.Integration.Tests.BadInput;

/// <summary>
/// Bytes nobody should have sent, put straight on the evaluate queue and on an experiment's results queue of a real
/// RabbitMQ broker: what cannot be read is set aside once (MassTransit's _error or _skipped queue) instead of
/// redelivered forever, what can be read but is absurd is answered with the reason or ignored, and the worker and
/// the scheduler go on: the experiment completes with exactly its own trials.
/// </summary>
public sealed class QueueBadMessageTests(TestServices services)
{
    private const int TenMegabytes = 10 * 1024 * 1024;

    private const string EvaluateTrialType = "HyperQueue.Contracts:EvaluateTrial";

    private const string TrialCompletedType = "HyperQueue.Contracts:TrialCompleted";

    /// <summary>Bodies no consumer can read: wrong content type, not JSON, no envelope, wrong shape, binary, empty, 10 MB of garbage.</summary>
    private static IReadOnlyList<(string What, byte[] Body, string? ContentType)> Unreadable(string messageType) =>
    [
        ("plain text", "hello"u8.ToArray(), "text/plain"),
        ("invalid JSON", "{ this is not JSON"u8.ToArray(), RawQueue.MassTransitJson),
        ("empty body without content type", [], null),
        ("JSON without an envelope", """{"foo": 1}"""u8.ToArray(), RawQueue.MassTransitJson),
        ("envelope of the wrong shape", RawQueue.Envelope(messageType, new { trialNumber = "abc", status = new[] { 1 }, parameters = 5 }), RawQueue.MassTransitJson),
        ("random bytes", RandomBytes(4096), "application/octet-stream"),
        ("10 MB that is not JSON", Encoding.UTF8.GetBytes("{\"message\": " + new string('[', 64) + new string('x', TenMegabytes)), RawQueue.MassTransitJson),
    ];

    [Fact]
    public async Task MinimizeAsync_MalformedAndAbsurdMessagesOnTheEvaluateQueue_SetAsideOrAnsweredAndTheExperimentCompletes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        var objective = UniqueName("bad-evaluate");
        var queue = QueueNames.Evaluate(objective);
        var sink = UniqueName("sink");
        await RawQueue.DeclareAsync(broker, sink, cancellationToken);
        using var worker = await StartWorkerAsync(broker, redis, objective, onTrial: null, cancellationToken);
        var unreadable = Unreadable(EvaluateTrialType);
        foreach (var (_, body, contentType) in unreadable)
        {
            await RawQueue.PublishAsync(broker, queue, body, contentType, cancellationToken);
        }

        // Readable, but for an experiment nobody runs (with 10 MB of parameters), and with a negative trial number.
        var unknownExperiment = Guid.NewGuid();
        await RawQueue.PublishAsync(broker, queue, RawQueue.Envelope(EvaluateTrialType, Trial(unknownExperiment, objective, 0, new { blob = new string('x', TenMegabytes) }), $"queue:{sink}"), RawQueue.MassTransitJson, cancellationToken);
        var negativeExperiment = Guid.NewGuid();
        await RawQueue.PublishAsync(broker, queue, RawQueue.Envelope(EvaluateTrialType, Trial(negativeExperiment, objective, -5, new { x = 0.5 }), $"queue:{sink}"), RawQueue.MassTransitJson, cancellationToken);

        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var trials = new QueueTrials(backend, objective, parallelism: 2);
        var result = await FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 6, seed: 3, showProgress: false, cancellationToken: cancellationToken);

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        Assert.Equal(new TrialCounts(6, 6, 0, 0), result.Counts);
        Assert.All(trials.All, trial => Assert.Equal(Math.Pow(trial.Parameters.GetDouble("x"), 2), trial.Loss));
        // Every unreadable body was set aside exactly once, none redelivered or lost.
        string[] asideQueues = [queue + "_error", queue + "_skipped"];
        Assert.Equal((uint)unreadable.Count, await RawQueue.WaitForTotalAsync(broker, asideQueues, (uint)unreadable.Count, cancellationToken));
        // The two readable ones were answered once each, with the reason, to their response address (the unknown
        // experiment only after the worker's lease duration, which it gives a lost experiment to be restored).
        Assert.Equal(2u, await RawQueue.WaitForTotalAsync(broker, [sink], 2, cancellationToken));
        var answers = await RawQueue.DrainAsync(broker, sink, cancellationToken);
        Assert.Equal(2, answers.Count);
        Assert.Single(answers, a => a.Contains(unknownExperiment.ToString(), StringComparison.Ordinal)
            && a.Contains("\"cancelled\"", StringComparison.Ordinal)
            && a.Contains("is not known to the in-flight store", StringComparison.Ordinal));
        Assert.Single(answers, a => a.Contains(negativeExperiment.ToString(), StringComparison.Ordinal)
            && a.Contains("invalid_message", StringComparison.Ordinal)
            && a.Contains("EvaluateTrial.TrialNumber (-5) must be zero or more", StringComparison.Ordinal));

        await worker.StopAsync(CancellationToken.None);
        await RawQueue.DeleteAsync(broker, [sink, queue, .. asideQueues], CancellationToken.None);
    }

    [Fact]
    public async Task MinimizeAsync_MalformedAndForeignMessagesOnTheResultsQueue_SetAsideOrIgnoredAndOnlyTheRealResultsCount()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (broker, redis) = await RequireServicesAsync(cancellationToken);
        var objective = UniqueName("bad-results");
        var unreadable = Unreadable(TrialCompletedType);
        string? resultsQueue = null;

        // While the first trial runs, its results queue exists: the garbage goes there, next to the real answers.
        async Task PoisonAsync(ObjectiveContext context)
        {
            resultsQueue = QueueNames.Results(context.ExperimentId);
            foreach (var (_, body, contentType) in unreadable)
            {
                await RawQueue.PublishAsync(broker, resultsQueue, body, contentType, CancellationToken.None);
            }

            // Readable completions that must not count: a trial this experiment never sent (10 MB attachment),
            // another experiment's trial, and one with a status no result has.
            await RawQueue.PublishAsync(broker, resultsQueue, RawQueue.Envelope(TrialCompletedType, Completed(context.ExperimentId, Guid.NewGuid(), new { blob = new string('x', TenMegabytes) })), RawQueue.MassTransitJson, CancellationToken.None);
            await RawQueue.PublishAsync(broker, resultsQueue, RawQueue.Envelope(TrialCompletedType, Completed(Guid.NewGuid(), context.TrialId, null)), RawQueue.MassTransitJson, CancellationToken.None);
        }

        using var worker = await StartWorkerAsync(broker, redis, objective, PoisonAsync, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var trials = new QueueTrials(backend, objective, parallelism: 1);

        var result = await FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 6, seed: 4, showProgress: false, cancellationToken: cancellationToken);

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        Assert.Equal(new TrialCounts(6, 6, 0, 0), result.Counts);
        // Only the worker's own answers were recorded: each loss is x squared, none is the forged -1000.
        Assert.All(trials.All, trial => Assert.Equal(Math.Pow(trial.Parameters.GetDouble("x"), 2), trial.Loss));
        Assert.NotNull(resultsQueue);
        string[] asideQueues = [resultsQueue + "_error", resultsQueue + "_skipped"];
        Assert.Equal((uint)unreadable.Count, await RawQueue.WaitForTotalAsync(broker, asideQueues, (uint)unreadable.Count, cancellationToken));

        await worker.StopAsync(CancellationToken.None);
        await RawQueue.DeleteAsync(broker, [QueueNames.Evaluate(objective), resultsQueue, .. asideQueues], CancellationToken.None);
    }

    private static object Trial(Guid experimentId, string objective, int number, object parameters) => new
    {
        experimentId,
        trialId = Guid.NewGuid(),
        trialNumber = number,
        objective,
        parameters,
        rawValues = new Dictionary<string, double?> { ["x"] = 0.5 },
        attempt = 1,
    };

    private static object Completed(Guid experimentId, Guid trialId, object? attachments) => new
    {
        experimentId,
        trialId,
        status = "ok",
        loss = -1000.0,
        attachments,
        duration = "00:00:01",
        workerId = "forger",
        attempt = 1,
    };

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(10).NextBytes(bytes);
        return bytes;
    }

    private async Task<(Uri Broker, string Redis)> RequireServicesAsync(CancellationToken cancellationToken)
    {
        var broker = await services.RabbitMq.RequireAsync(cancellationToken);
        var redis = await services.Redis.RequireAsync(cancellationToken);
        return (new Uri(broker.ConnectionString), redis.ConnectionString);
    }

    private static string UniqueName(string purpose) => $"it-{purpose}-{Guid.NewGuid().ToString("N")[..8]}";

    private static async Task<IHost> StartWorkerAsync(Uri broker, string redis, string objective, Func<ObjectiveContext, Task>? onTrial, CancellationToken cancellationToken)
    {
        var poisoned = 0;
        var host = await WorkerHost.BuildAsync(
            new WorkerHostSettings
            {
                Broker = broker,
                Redis = redis,
                Slots = 2,
                WorkerId = UniqueName("worker"),
                ConfigureWorker = worker => worker
                    .Configure(options =>
                    {
                        // A trial of an experiment unknown to Redis waits this long for a restore before it is answered.
                        options.LeaseDuration = TimeSpan.FromSeconds(2);
                        options.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
                    })
                    .AddObjective(objective, async (context, _) =>
                    {
                        if (onTrial is not null && Interlocked.Exchange(ref poisoned, 1) == 0)
                        {
                            await onTrial(context);
                        }

                        return Math.Pow(context.Parameters.GetDouble("x"), 2);
                    }),
            },
            cancellationToken);
        await host.StartAsync(cancellationToken);
        return host;
    }
}
