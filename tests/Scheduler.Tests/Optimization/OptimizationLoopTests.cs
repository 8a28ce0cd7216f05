using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Tests.Optimization;

public sealed class OptimizationLoopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_Observer_SeesStartEachDispatchBeforeItsCompletionAndTheEndWithTheStopReason()
    {
        var observer = new RecordingObserver();
        var trials = new Trials();

        await OptimizationLoop.RunAsync(Request(trials, maxEvals: 2, observer, (_, _) => Task.FromResult(ObjectiveResult.Ok(1))), Ct);

        var ids = trials.All.Select(trial => trial.Id).ToList();
        Assert.Equal(
            [
                "started 0",
                $"dispatching 0 {ids[0]} Running",
                $"completed 0 {ids[0]} Ok",
                $"dispatching 1 {ids[1]} Running",
                $"completed 1 {ids[1]} Ok",
                "ended MaxEvals none",
            ],
            observer.Events);
        Assert.All(observer.Dispatched, trial => Assert.Equal(System.Text.Json.JsonValueKind.Object, trial.Parameters.Json.ValueKind));
    }

    [Fact]
    public async Task RunAsync_AllTrialsFail_ObserverSeesTheEndWithTheError()
    {
        var observer = new RecordingObserver();

        await Assert.ThrowsAsync<AllTrialsFailedException>(() => OptimizationLoop.RunAsync(
            Request(new Trials(), maxEvals: 1, observer, (_, _) => Task.FromResult(ObjectiveResult.Fail("no"))), Ct));

        Assert.Equal("ended MaxEvals AllTrialsFailedException", observer.Events[^1]);
    }

    [Fact]
    public async Task RunAsync_StoreWithARunningTrial_RecordsItCancelledAndTellsTheObservers()
    {
        var observer = new RecordingObserver();
        var trials = new Trials();
        var orphan = trials.AddRunning(
            Guid.NewGuid(),
            new Dictionary<string, double?> { ["x"] = 0.5 },
            new TrialParameters(default),
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

        await OptimizationLoop.RunAsync(Request(trials, maxEvals: 2, observer, (_, _) => Task.FromResult(ObjectiveResult.Ok(1))), Ct);

        // An in-process store cannot take over a trial whose objective ran in an earlier process: it is cancelled,
        // through the runner like any outcome, so the tracking observer records it too.
        Assert.Contains($"completed 0 {orphan.Id} Cancelled", observer.Events);
        Assert.Equal(TrialStatus.Cancelled, trials[orphan.Id].Status);
        Assert.Equal(
            new TrialError("cancelled", "it was still running when this trials store was saved or its fmin call ended"),
            trials[orphan.Id].Error);
        Assert.Equal(new TrialCounts(2, 1, 0, 1), trials.Counts);
    }

    [Fact]
    public async Task RunAsync_MaxQueueLen_NeverHasMoreTrialsInFlight()
    {
        var inFlight = 0;
        var most = 0;
        var gate = new Lock();

        await OptimizationLoop.RunAsync(
            Request(new Trials(), maxEvals: 12, new RecordingObserver(), async (_, cancellationToken) =>
            {
                lock (gate)
                {
                    most = Math.Max(most, ++inFlight);
                }

                await Task.Yield();
                lock (gate)
                {
                    inFlight--;
                }

                return ObjectiveResult.Ok(1);
            }) with { MaxQueueLen = 3 },
            Ct);

        Assert.InRange(most, 1, 3);
    }

    [Fact]
    public async Task RunAsync_TrialsFinishOutOfOrder_AlgorithmSeesFinishedTrialsByNumberAndTheRunningOnesAsPending()
    {
        var algorithm = new RecordingAlgorithm();
        var trials = new Trials();

        // Loss = trial number, and even trials finish after the odd ones started with them: the history must still
        // list the finished trials by number, with every earlier trial either in it or pending.
        await OptimizationLoop.RunAsync(
            Request(trials, maxEvals: 30, new RecordingObserver(), async (context, cancellationToken) =>
            {
                await Task.Delay(context.TrialNumber % 2 == 0 ? 20 : 0, cancellationToken);
                return ObjectiveResult.Ok(context.TrialNumber);
            }) with { MaxQueueLen = 4, Algorithm = algorithm },
            Ct);

        Assert.NotEmpty(algorithm.Requests);
        Assert.All(algorithm.Requests, request =>
        {
            var losses = request.History.Select(observation => observation.Loss!.Value).ToList();
            Assert.Equal(losses.Order(), losses);
            Assert.Equal(losses.Count, losses.Distinct().Count());
            Assert.Equal(request.FirstTrialNumber, request.History.Count + request.Pending.Count);
        });
        Assert.Equal(30, trials.Count);
    }

    private static OptimizationRequest Request(
        Trials trials,
        int maxEvals,
        IOptimizationObserver observer,
        Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> objective) => new()
        {
            Objective = objective,
            Space = TestSpaces.Unit(),
            Algorithm = Algo.Rand(),
            Trials = trials,
            MaxEvals = maxEvals,
            Seed = 1,
            Observers = [observer],
        };

    private sealed class RecordingObserver : IOptimizationObserver
    {
        public List<string> Events { get; } = [];

        public List<TrialRecord> Dispatched { get; } = [];

        public Task ExperimentStartedAsync(OptimizationStarted started, CancellationToken cancellationToken)
        {
            Events.Add($"started {started.Trials.Count}");
            return Task.CompletedTask;
        }

        public Task TrialDispatchingAsync(TrialRecord trial, CancellationToken cancellationToken)
        {
            Dispatched.Add(trial);
            Events.Add($"dispatching {trial.Number} {trial.Id} {trial.State}");
            return Task.CompletedTask;
        }

        public Task TrialCompletedAsync(TrialRecord trial, Trials trials, CancellationToken cancellationToken)
        {
            Events.Add($"completed {trial.Number} {trial.Id} {trial.Status}");
            return Task.CompletedTask;
        }

        public Task ExperimentEndedAsync(OptimizationEnded ended, CancellationToken cancellationToken)
        {
            Events.Add($"ended {ended.StopReason} {ended.Error?.GetType().Name ?? "none"}");
            return Task.CompletedTask;
        }
    }

    /// <summary>Random search that keeps a copy of every request it was given.</summary>
    private sealed class RecordingAlgorithm : ISearchAlgorithm
    {
        private readonly ISearchAlgorithm _random = Algo.Rand();

        public List<SuggestionRequest> Requests { get; } = [];

        public string Name => "recording";

        public IReadOnlyList<IReadOnlyDictionary<string, double?>> Suggest(SuggestionRequest request)
        {
            Requests.Add(request with { History = [.. request.History], Pending = [.. request.Pending] });
            return _random.Suggest(request);
        }
    }
}
