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
            Guid.NewGuid(), "never-sent", Parallelism: 2, deadline, Lease: TimeSpan.FromSeconds(30), MaxAttempts: 3,
            ReapInterval: TimeSpan.FromSeconds(5), ResultsQueueExpiry: TimeSpan.FromMinutes(5));
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
    public async Task StartAsync_ExperimentLostFromTheStore_RestoresItAndSendsTheTrial()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("half", (_, _) => Task.FromResult<ObjectiveResult>(0.5)),
            slots: 1,
            cancellationToken: cancellationToken);
        var settings = new DispatchSettings(
            Guid.NewGuid(), "half", Parallelism: 2, Deadline: null, Lease: TimeSpan.FromSeconds(30), MaxAttempts: 3,
            ReapInterval: TimeSpan.FromMinutes(5), ResultsQueueExpiry: TimeSpan.FromMinutes(5));
        var dispatcher = new TrialDispatcher(backend.Bus, backend.EndpointConnector, backend.Store, settings, TimeProvider.System, NullLogger.Instance);
        await using var runner = new QueueTrialRunner(
            dispatcher, backend.Store, settings, trialTimeout: null, _ => null, trackingUri: null, TimeProvider.System, NullLogger.Instance);
        await runner.StartAsync(Trial(), cancellationToken);
        Assert.Equal(TrialStatus.Ok, (await runner.WaitForCompletionAsync(cancellationToken)).Result.Status);
        // What a Redis restart without persistence does; the reaper (every 5 min here) is not the one that notices.
        await backend.Store.DeleteExperimentAsync(settings.ExperimentId, cancellationToken);

        await runner.StartAsync(Trial(), cancellationToken);
        var outcome = await runner.WaitForCompletionAsync(cancellationToken);

        Assert.Equal(TrialStatus.Ok, outcome.Result.Status);
        Assert.Equal(0.5, outcome.Result.Loss);
        Assert.Equal(
            new ExperimentLiveness(ExperimentState.Running, 2, null, null),
            await backend.Store.GetExperimentAsync(settings.ExperimentId, cancellationToken));
        Assert.Empty(await backend.Store.GetInFlightAsync(settings.ExperimentId, cancellationToken));
    }

    private static TrialRecord Trial() => new()
    {
        Number = 0,
        Id = Guid.NewGuid(),
        State = TrialState.Running,
        Vals = new Dictionary<string, double?> { ["x"] = 0.5 },
        Parameters = new TrialParameters(JsonDocument.Parse("""{"x": 0.5}""").RootElement.Clone()),
        StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };
}
