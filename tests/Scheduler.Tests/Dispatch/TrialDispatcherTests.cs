using System.Collections.Concurrent;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Scheduler.Tests.Dispatch;

/// <summary>
/// The two lease rules of a trial, on the embedded backend with a fake clock: a trial waiting in the evaluate queue
/// keeps its slot for the queue timeout; a started trial keeps it only while its worker renews the lease.
/// </summary>
public sealed class TrialDispatcherTests
{
    /// <summary>A worker's lease as <c>WorkerOptions.LeaseDuration</c> has it by default.</summary>
    private static readonly TimeSpan WorkerLease = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan QueueTimeout = TimeSpan.FromMinutes(10);

    private const string ServedObjective = "probe";

    [Fact]
    public async Task ReapOnceAsync_TrialWaitingInTheQueueLongerThanAWorkerLease_KeepsItsSlotUntilTheQueueTimeout()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var backend = await StartBackendAsync(time, cancellationToken);
        var settings = Settings(maxAttempts: 1);
        await using var dispatcher = CreateDispatcher(backend, settings, time);
        await dispatcher.StartAsync(cancellationToken);
        var trial = Trial(settings);
        Assert.True(await dispatcher.TryDispatchAsync(trial, cancellationToken));

        // Nobody serves the queue: the trial waits there ten worker leases, still short of the queue timeout.
        time.Advance(WorkerLease * 10);
        await dispatcher.ReapOnceAsync(cancellationToken);

        Assert.False(dispatcher.Completions.TryRead(out _));
        Assert.Equal([trial.TrialId], dispatcher.InFlight);
        Assert.Equal([trial.TrialId], await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));

        time.Advance(QueueTimeout - (WorkerLease * 10));
        await dispatcher.ReapOnceAsync(cancellationToken);

        Assert.True(dispatcher.Completions.TryRead(out var completed));
        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal(new TrialError("lease_expired", "no worker started attempt 1 of 1 within the queue timeout of 600 s"), completed.Error);
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));
    }

    [Fact]
    public async Task ReapOnceAsync_StartedTrialWhoseWorkerStopsRenewing_FailsNamingTheWorkerOnceTheWorkerLeaseLapses()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var backend = await StartBackendAsync(time, cancellationToken);
        var settings = Settings(maxAttempts: 1);
        await using var dispatcher = CreateDispatcher(backend, settings, time);
        var started = new TaskCompletionSource<TrialStarted>(TaskCreationOptions.RunContinuationsAsynchronously);
        dispatcher.Started += message => started.TrySetResult(message);
        await dispatcher.StartAsync(cancellationToken);
        var trial = Trial(settings);
        Assert.True(await dispatcher.TryDispatchAsync(trial, cancellationToken));

        // What a worker does when it starts the trial: its first renewal replaces the queue timeout with its own
        // lease, then it reports TrialStarted to the results queue. It never renews again (it died).
        Assert.Equal(
            Worker.Leases.LeaseStatus.Active,
            await backend.Store.RenewLeaseAsync(settings.ExperimentId, trial.TrialId, WorkerLease, cancellationToken));
        var results = await backend.Bus.GetSendEndpoint(new Uri($"queue:{settings.ResultsQueue}"));
        await results.Send(
            new TrialStarted
            {
                ExperimentId = settings.ExperimentId,
                TrialId = trial.TrialId,
                WorkerId = "w-dead",
                Attempt = 1,
                StartedAt = time.GetUtcNow(),
            },
            cancellationToken);
        await started.Task.WaitAsync(cancellationToken);

        time.Advance(WorkerLease / 2);
        await dispatcher.ReapOnceAsync(cancellationToken);
        Assert.False(dispatcher.Completions.TryRead(out _));

        time.Advance(WorkerLease);
        await dispatcher.ReapOnceAsync(cancellationToken);

        Assert.True(dispatcher.Completions.TryRead(out var completed));
        Assert.Equal(
            new TrialError("lease_expired", "worker 'w-dead' started attempt 1 of 1 and stopped renewing its lease; the worker died or lost its connection"),
            completed.Error);
        Assert.Empty(dispatcher.InFlight);
    }

    [Fact]
    public async Task ReapOnceAsync_WorkerDiesBeforeItsStartedNotice_FailsSayingAWorkerStartedItOnceTheWorkerLeaseLapses()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var backend = await StartBackendAsync(time, cancellationToken);
        var settings = Settings(maxAttempts: 1);
        await using var dispatcher = CreateDispatcher(backend, settings, time);
        await dispatcher.StartAsync(cancellationToken);
        var trial = Trial(settings);
        Assert.True(await dispatcher.TryDispatchAsync(trial, cancellationToken));

        // A worker takes the trial (its first renewal) and dies before its TrialStarted notice is due.
        Assert.Equal(
            Worker.Leases.LeaseStatus.Active,
            await backend.Store.RenewLeaseAsync(settings.ExperimentId, trial.TrialId, WorkerLease, cancellationToken));
        time.Advance(WorkerLease + TimeSpan.FromSeconds(1));
        await dispatcher.ReapOnceAsync(cancellationToken);

        Assert.True(dispatcher.Completions.TryRead(out var completed));
        Assert.Equal(
            new TrialError("lease_expired", "a worker started attempt 1 of 1 and stopped renewing its lease before reporting it; the worker died or lost its connection"),
            completed.Error);
        Assert.Empty(dispatcher.InFlight);
    }

    [Fact]
    public async Task StartAsync_ReattachedTrialHoldingASlotThatNothingShowsAlive_IsSentAgainAsANewAttemptAfterTheResumeGrace()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var evaluations = new ConcurrentQueue<Guid>();
        await using var backend = await StartBackendAsync(time, cancellationToken, evaluations);
        var settings = Settings(maxAttempts: 3) with { Objective = ServedObjective };
        var trial = Trial(settings);
        // What the scheduler that died did last: it took the trial's slot and never sent it.
        await backend.Store.CreateExperimentAsync(settings.ExperimentId, settings.Parallelism, deadline: null, cancellationToken);
        Assert.True(await backend.Store.TryAcquireSlotAsync(settings.ExperimentId, trial.TrialId, QueueTimeout, cancellationToken));
        await using var dispatcher = CreateDispatcher(backend, settings, time);

        await dispatcher.StartAsync([trial], cancellationToken);
        await dispatcher.ReapOnceAsync(cancellationToken);

        Assert.False(dispatcher.Completions.TryRead(out _));
        Assert.Equal([trial.TrialId], dispatcher.InFlight);

        time.Advance(settings.ResumeGrace);
        await dispatcher.ReapOnceAsync(cancellationToken);
        var completed = await dispatcher.Completions.ReadAsync(cancellationToken);

        Assert.Equal((trial.TrialId, TrialStatus.Ok, 0.5, 2), (completed.TrialId, completed.Status, completed.Loss, completed.Attempt));
        Assert.Equal([trial.TrialId], evaluations);
    }

    [Fact]
    public async Task StartAsync_ReattachedTrialHoldingNoSlot_IsSentOnTheFirstReapWithTheSameAttempt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var evaluations = new ConcurrentQueue<Guid>();
        await using var backend = await StartBackendAsync(time, cancellationToken, evaluations);
        var settings = Settings(maxAttempts: 3) with { Objective = ServedObjective };
        var trial = Trial(settings);
        await using var dispatcher = CreateDispatcher(backend, settings, time);

        await dispatcher.StartAsync([trial], cancellationToken);
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));
        await dispatcher.ReapOnceAsync(cancellationToken);
        var completed = await dispatcher.Completions.ReadAsync(cancellationToken);

        Assert.Equal((trial.TrialId, TrialStatus.Ok, 0.5, 1), (completed.TrialId, completed.Status, completed.Loss, completed.Attempt));
        Assert.Equal([trial.TrialId], evaluations);
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));
    }

    /// <summary>One worker slot serving <see cref="ServedObjective"/>: the loss is x, each evaluation noted in order.</summary>
    private static Task<QueueBackend> StartBackendAsync(FakeTimeProvider time, CancellationToken cancellationToken, ConcurrentQueue<Guid>? evaluations = null) =>
        QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective(ServedObjective, (context, _) =>
            {
                evaluations?.Enqueue(context.TrialId);
                return Task.FromResult<ObjectiveResult>(context.Parameters.GetDouble("x"));
            }),
            slots: 1,
            services => services.AddSingleton<TimeProvider>(time),
            cancellationToken);

    /// <summary>The reaper's own timer never ticks in these tests (a day apart): each test reaps by hand.</summary>
    private static DispatchSettings Settings(int maxAttempts) => new(
        Guid.NewGuid(), "nobody-serves-this", Parallelism: 2, Deadline: null, QueueTimeout, maxAttempts,
        ReapInterval: TimeSpan.FromDays(1), ResultsQueueExpiry: TimeSpan.FromMinutes(5), ResumeGrace: TimeSpan.FromSeconds(60));

    private static TrialDispatcher CreateDispatcher(QueueBackend backend, DispatchSettings settings, TimeProvider time) =>
        new(backend.Bus, backend.EndpointConnector, backend.Store, settings, time, NullLogger.Instance);

    private static EvaluateTrial Trial(DispatchSettings settings) => new()
    {
        ExperimentId = settings.ExperimentId,
        TrialId = Guid.NewGuid(),
        TrialNumber = 0,
        Objective = settings.Objective,
        Parameters = JsonDocument.Parse("""{"x": 0.5}""").RootElement.Clone(),
        RawValues = new Dictionary<string, double?> { ["x"] = 0.5 },
    };
}
