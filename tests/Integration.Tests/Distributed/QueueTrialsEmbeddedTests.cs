using HyperQueue.Scheduler.Hosting;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>The distributed scenarios in embedded mode: the same scheduler and worker code on the in-memory transport.</summary>
public sealed class QueueTrialsEmbeddedTests
{
    [Fact]
    public async Task MinimizeAsync_EightEmbeddedSlotsAtParallelismSix_CompletesEveryTrialOnceAndRunsAtMostSixAtOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var probe = new ObjectiveProbe(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("probe", probe.EvaluateAsync), slots: 8, cancellationToken: cancellationToken);

        await DistributedScenarios.AssertParallelismIsEnforcedAsync(backend, "probe", probe, cancellationToken);
    }

    [Fact]
    public async Task MinimizeAsync_EmbeddedTimeoutOfTwoSecondsWithOneSecondTrials_CancelsRunningTrialsAndStartsNoneAfterTheDeadline()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var probe = new ObjectiveProbe(TimeSpan.FromSeconds(1), TimeProvider.System);
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddObjective("probe", probe.EvaluateAsync), slots: 4, cancellationToken: cancellationToken);

        await DistributedScenarios.AssertTimeoutCancelsRunningTrialsAsync(backend, "probe", probe, cancellationToken);
    }
}
