using System.Collections.Concurrent;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// A scheduler that stops without recording its running trials, then <c>QueueTrials.Resume</c> in a new backend, on
/// a real RabbitMQ broker and Redis server: the three ways a running trial is taken over, in one experiment.
/// </summary>
public sealed class QueueTrialsResumeTests(TestServices services)
{
    [Fact]
    public async Task MinimizeAsync_ResumedWithTrialsLeftRunning_TakesTheQueuedResultWaitsForTheRunningOneAndSendsTheUnsentOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new Uri((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString);
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        var objective = $"it-resume-{Guid.NewGuid().ToString("N")[..8]}";
        var objectiveGates = new GatedObjective();
        var worker = await WorkerHost.BuildAsync(
            new WorkerHostSettings { Broker = broker, Redis = redis, Slots = 3, ConfigureWorker = w => w.AddObjective(objective, objectiveGates.EvaluateAsync) },
            cancellationToken);
        await worker.StartAsync(cancellationToken);
        var experimentId = Guid.NewGuid();
        // Trials 0 and 1 were recorded; 2 finishes while no scheduler runs, 3 still runs on the worker at the
        // resume, 4 was recorded as running but never sent (the scheduler died in between).
        var finished = new[] { Completed(0, 0.9), Completed(1, 0.8) };
        var finishesWhileDown = Running(2, 0.11);
        var stillRunning = Running(3, 0.22);
        var neverSent = Running(4, 0.33);
        var whileDownGate = objectiveGates.Hold(finishesWhileDown.Id);
        var stillRunningGate = objectiveGates.Hold(stillRunning.Id);

        await using (var dead = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken))
        {
            var settings = new DispatchSettings(
                experimentId, objective, Parallelism: 3, Deadline: null, QueueTimeout: TimeSpan.FromHours(1), MaxAttempts: 3,
                ReapInterval: TimeSpan.FromDays(1), ResultsQueueExpiry: TimeSpan.FromDays(1), ResumeGrace: TimeSpan.FromSeconds(60));
            await using var dispatcher = new TrialDispatcher(dead.Bus, dead.EndpointConnector, dead.Store, settings, dead.Time, NullLogger.Instance);
            await dispatcher.StartAsync(cancellationToken);
            Assert.True(await dispatcher.TryDispatchAsync(Message(experimentId, objective, finishesWhileDown), cancellationToken));
            Assert.True(await dispatcher.TryDispatchAsync(Message(experimentId, objective, stillRunning), cancellationToken));
            await objectiveGates.WaitUntilEvaluatingAsync([finishesWhileDown.Id, stillRunning.Id], cancellationToken);
        }

        // The scheduler is gone and its slots are still held; trial 2's result now waits in the results queue (the
        // only message that can arrive there now: both trials reported their start before the scheduler stopped).
        var waiting = await CountMessagesAsync(broker, QueueNames.Results(experimentId), cancellationToken);
        whileDownGate.SetResult();
        await WaitForMessagesAsync(broker, QueueNames.Results(experimentId), waiting + 1, cancellationToken);
        await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
        var trials = QueueTrials.Resume(
            backend, objective, parallelism: 3, trialTimeout: null, experimentId, seed: 3,
            [.. finished, finishesWhileDown, stillRunning, neverSent],
            new QueueTrialsOptions { ReapInterval = TimeSpan.FromMilliseconds(200) });

        var run = FMin.MinimizeAsync(trials, DistributedScenarios.Space, Algo.Rand(), maxEvals: 7, seed: 3, showProgress: false, cancellationToken: cancellationToken);
        // Trial 3 finishes only once the resumed scheduler has sent trial 4, so it is in flight on the worker throughout.
        await objectiveGates.WaitUntilEvaluatingAsync([neverSent.Id], cancellationToken);
        stillRunningGate.SetResult();
        var result = await run;

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        Assert.Equal(Enumerable.Range(0, 7), trials.All.Select(trial => trial.Number));
        Assert.Equal(7, trials.All.Select(trial => trial.Id).Distinct().Count());
        Assert.All(trials.All, trial => Assert.Equal(TrialStatus.Ok, trial.Status));
        // Each took its real loss (the objective returns x) from its only evaluation.
        Assert.Equal(0.11, trials[finishesWhileDown.Id].Loss);
        Assert.Equal(0.22, trials[stillRunning.Id].Loss);
        Assert.Equal(0.33, trials[neverSent.Id].Loss);
        Assert.Equal(1, trials[neverSent.Id].Attempts);
        Assert.All(trials.All.Skip(5), trial => Assert.Equal(trial.Parameters.GetDouble("x"), trial.Loss));
        var evaluated = objectiveGates.Evaluations.ToList();
        Assert.Equal(5, evaluated.Count);
        Assert.Equal(trials.All.Skip(2).Select(trial => trial.Id).Order(), evaluated.Order());
        Assert.Empty(await backend.Store.GetInFlightAsync(experimentId, cancellationToken));

        await worker.StopAsync(CancellationToken.None);
        worker.Dispose();
    }

    private static TrialRecord Completed(int number, double x) => Running(number, x) with
    {
        State = TrialState.Completed,
        Status = TrialStatus.Ok,
        Loss = x,
        EndedAt = new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero),
    };

    private static TrialRecord Running(int number, double x) => new()
    {
        Number = number,
        Id = Guid.NewGuid(),
        State = TrialState.Running,
        Vals = new Dictionary<string, double?> { ["x"] = x },
        Parameters = new TrialParameters(JsonSerializer.SerializeToElement(new Dictionary<string, double> { ["x"] = x })),
        StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    private static EvaluateTrial Message(Guid experimentId, string objective, TrialRecord trial) => new()
    {
        ExperimentId = experimentId,
        TrialId = trial.Id,
        TrialNumber = trial.Number,
        Objective = objective,
        Parameters = trial.Parameters.Json,
        RawValues = trial.Vals,
    };

    private static async Task<uint> CountMessagesAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        return await channel.MessageCountAsync(queue, cancellationToken);
    }

    private static async Task WaitForMessagesAsync(Uri broker, string queue, uint count, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(wait.Token);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: wait.Token);
        while (await channel.MessageCountAsync(queue, wait.Token) < count)
        {
            await Task.Delay(50, wait.Token);
        }
    }

    /// <summary>Returns x; a held trial returns only when its gate opens. Records every evaluation.</summary>
    private sealed class GatedObjective
    {
        private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _gates = new();
        private readonly ConcurrentQueue<Guid> _evaluations = new();

        public IReadOnlyCollection<Guid> Evaluations => _evaluations;

        public TaskCompletionSource Hold(Guid trialId) =>
            _gates.GetOrAdd(trialId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public async Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken)
        {
            _evaluations.Enqueue(context.TrialId);
            if (_gates.TryGetValue(context.TrialId, out var gate))
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            return context.Parameters.GetDouble("x");
        }

        public async Task WaitUntilEvaluatingAsync(IReadOnlyCollection<Guid> trialIds, CancellationToken cancellationToken)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(TimeSpan.FromSeconds(30));
            while (!trialIds.All(_evaluations.Contains))
            {
                await Task.Delay(20, wait.Token);
            }
        }
    }
}
