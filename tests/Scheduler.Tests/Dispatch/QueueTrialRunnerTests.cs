using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Scheduler.Tests.Dispatch;

public sealed class QueueTrialRunnerTests
{
    [Fact]
    public async Task StartAsync_DeadlinePassedBetweenTheLoopsCheckAndTheSlot_ReportsTheTrialCancelledInsteadOfWaitingForASlot()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("never-sent", (_, _) => Task.FromResult<ObjectiveResult>(0)),
            slots: 1,
            services => services.AddSingleton<TimeProvider>(time),
            cancellationToken);
        var deadline = time.GetUtcNow().AddSeconds(1);
        var settings = new DispatchSettings(
            Guid.NewGuid(), "never-sent", Parallelism: 2, deadline, QueueTimeout: TimeSpan.FromSeconds(30), MaxAttempts: 3,
            ReapInterval: TimeSpan.FromSeconds(5), ResultsQueueExpiry: TimeSpan.FromMinutes(5), ResumeGrace: TimeSpan.FromSeconds(60));
        var dispatcher = new TrialDispatcher(backend.Bus, backend.EndpointConnector, backend.Store, settings, time, NullLogger.Instance);
        await using var runner = new QueueTrialRunner(dispatcher, backend.Store, settings, trialTimeout: null, _ => null, trackingUri: null, time, NullLogger.Instance);
        // The store refuses slots from the deadline on, while the experiment is still marked running (fmin ends it later).
        time.Advance(TimeSpan.FromSeconds(2));

        await runner.StartAsync(Trial(), cancellationToken);
        var outcome = await runner.WaitForCompletionAsync(cancellationToken);

        Assert.Equal(TrialStatus.Cancelled, outcome.Result.Status);
        Assert.Equal(
            "the experiment ended before the trial was sent (its deadline 2026-01-01T00:00:01.0000000+00:00 passed)",
            outcome.Result.Error!.Message);
        Assert.Equal(0, runner.InFlight);
    }

    [Fact]
    public async Task StartAsync_SeveralStartsAtOnce_StartsTheDispatcherOnceAndEveryTrialCompletesOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("quick", (context, _) => Task.FromResult<ObjectiveResult>(context.TrialNumber)),
            slots: 3,
            cancellationToken: cancellationToken);
        var settings = Settings("quick", parallelism: 3);
        var dispatcher = new TrialDispatcher(backend.Bus, backend.EndpointConnector, backend.Store, settings, backend.Time, NullLogger.Instance);
        await using var runner = new QueueTrialRunner(dispatcher, backend.Store, settings, trialTimeout: null, _ => null, trackingUri: null, backend.Time, NullLogger.Instance);
        TrialRecord[] trials = [Trial(0), Trial(1), Trial(2)];

        // The fmin loop starts a batch this way: the first start connects the results queue, the others wait for it.
        await Task.WhenAll(trials.Select(trial => runner.StartAsync(trial, cancellationToken)));
        var outcomes = new List<TrialOutcome> { await runner.WaitForCompletionAsync(cancellationToken) };
        while (outcomes.Count < trials.Length)
        {
            outcomes.Add(runner.TryTakeCompletion(out var outcome) ? outcome : await runner.WaitForCompletionAsync(cancellationToken));
        }

        Assert.Equal(trials.Select(trial => trial.Id).Order(), outcomes.Select(outcome => outcome.TrialId).Order());
        Assert.All(outcomes, outcome => Assert.Equal(TrialStatus.Ok, outcome.Result.Status));
        Assert.Equal(0, runner.InFlight);
        Assert.False(runner.TryTakeCompletion(out _));
    }

    [Fact]
    public async Task StartAsync_SlotStoreFails_ThrowsAndDoesNotCountTheTrialInFlight()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("unreachable", (_, _) => Task.FromResult<ObjectiveResult>(0)),
            slots: 1,
            cancellationToken: cancellationToken);
        var settings = Settings("unreachable", parallelism: 1);
        var store = new AcquireFailingStore(backend.Store);
        var dispatcher = new TrialDispatcher(backend.Bus, backend.EndpointConnector, store, settings, backend.Time, NullLogger.Instance);
        await using var runner = new QueueTrialRunner(dispatcher, store, settings, trialTimeout: null, _ => null, trackingUri: null, backend.Time, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.StartAsync(Trial(), cancellationToken));

        Assert.Equal("the slot store is down", error.Message);
        // Nothing was sent, so no outcome will come: a trial counted in flight would keep fmin's drain waiting forever.
        Assert.Equal(0, runner.InFlight);
    }

    [Fact]
    public async Task StartAsync_ExperimentLostFromTheStore_RestoresItAndSendsTheTrial()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("half", (_, _) => Task.FromResult<ObjectiveResult>(0.5)),
            slots: 1,
            cancellationToken: cancellationToken);
        var settings = Settings("half", parallelism: 2) with { ReapInterval = TimeSpan.FromMinutes(5) };
        var dispatcher = new TrialDispatcher(backend.Bus, backend.EndpointConnector, backend.Store, settings, TimeProvider.System, NullLogger.Instance);
        await using var runner = new QueueTrialRunner(
            dispatcher, backend.Store, settings, trialTimeout: null, _ => null, trackingUri: null, TimeProvider.System, NullLogger.Instance);
        await runner.StartAsync(Trial(0), cancellationToken);
        Assert.Equal(TrialStatus.Ok, (await runner.WaitForCompletionAsync(cancellationToken)).Result.Status);
        // What a Redis restart without persistence does; the reaper (every 5 min here) is not the one that notices.
        await backend.Store.DeleteExperimentAsync(settings.ExperimentId, cancellationToken);

        await runner.StartAsync(Trial(1), cancellationToken);
        var outcome = await runner.WaitForCompletionAsync(cancellationToken);

        Assert.Equal(TrialStatus.Ok, outcome.Result.Status);
        Assert.Equal(0.5, outcome.Result.Loss);
        Assert.Equal(
            new ExperimentLiveness(ExperimentState.Running, 2, null, null),
            await backend.Store.GetExperimentAsync(settings.ExperimentId, cancellationToken));
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));
    }

    private static DispatchSettings Settings(string objective, int parallelism) => new(
        Guid.NewGuid(), objective, parallelism, Deadline: null, QueueTimeout: TimeSpan.FromSeconds(30), MaxAttempts: 3,
        ReapInterval: TimeSpan.FromSeconds(5), ResultsQueueExpiry: TimeSpan.FromMinutes(5), ResumeGrace: TimeSpan.FromSeconds(60));

    private static TrialRecord Trial(int number = 0) => new()
    {
        Number = number,
        Id = Guid.NewGuid(),
        State = TrialState.Running,
        Vals = new Dictionary<string, double?> { ["x"] = 0.5 },
        Parameters = new TrialParameters(JsonDocument.Parse("""{"x": 0.5}""").RootElement.Clone()),
        StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    /// <summary>The embedded store, except that taking a slot fails as an unreachable Redis would.</summary>
    private sealed class AcquireFailingStore(IInFlightStore inner) : IInFlightStore
    {
        public Task CreateExperimentAsync(Guid experimentId, int parallelism, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
            inner.CreateExperimentAsync(experimentId, parallelism, deadline, cancellationToken);

        public Task<ExperimentLiveness> GetExperimentAsync(Guid experimentId, CancellationToken cancellationToken) =>
            inner.GetExperimentAsync(experimentId, cancellationToken);

        public Task SetParallelismAsync(Guid experimentId, int parallelism, CancellationToken cancellationToken) =>
            inner.SetParallelismAsync(experimentId, parallelism, cancellationToken);

        public Task EndExperimentAsync(Guid experimentId, string reason, CancellationToken cancellationToken) =>
            inner.EndExperimentAsync(experimentId, reason, cancellationToken);

        public Task<bool> TryAcquireSlotAsync(Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the slot store is down");

        public Task<LeaseStatus> RenewLeaseAsync(Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.RenewLeaseAsync(experimentId, trialId, lease, cancellationToken);

        public Task<bool> ReleaseAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken) =>
            inner.ReleaseAsync(experimentId, trialId, cancellationToken);

        public Task<long> CountRedeliveryAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken) =>
            inner.CountRedeliveryAsync(experimentId, trialId, cancellationToken);

        public Task<IReadOnlyList<Guid>> ReapExpiredAsync(Guid experimentId, CancellationToken cancellationToken) =>
            inner.ReapExpiredAsync(experimentId, cancellationToken);

        public Task<bool> RestoreExperimentAsync(
            Guid experimentId, int parallelism, DateTimeOffset? deadline, IReadOnlyCollection<Guid> inFlight, TimeSpan lease, CancellationToken cancellationToken) =>
            inner.RestoreExperimentAsync(experimentId, parallelism, deadline, inFlight, lease, cancellationToken);

        public Task<IReadOnlyList<Guid>> GetInFlightAsync(Guid experimentId, CancellationToken cancellationToken) =>
            inner.GetInFlightAsync(experimentId, cancellationToken);

        public Task DeleteExperimentAsync(Guid experimentId, CancellationToken cancellationToken) =>
            inner.DeleteExperimentAsync(experimentId, cancellationToken);
    }
}
