using HyperQueue.Worker.Leases;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Worker.Tests.Leases;

public sealed class InMemoryInFlightStoreTests : InFlightStoreContract
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public InMemoryInFlightStoreTests()
    {
        Store = new InMemoryInFlightStore(_time);
    }

    protected override IInFlightStore Store { get; }

    protected override DateTimeOffset Now => _time.GetUtcNow();

    protected override Task LetTimePassAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        _time.Advance(duration);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ReapExpiredAsync_LeaseEndsExactlyNow_ReapsIt()
    {
        var experimentId = Guid.NewGuid();
        var trialId = Guid.NewGuid();
        var token = TestContext.Current.CancellationToken;
        await Store.CreateExperimentAsync(experimentId, 1, null, token);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, ShortLease, token));

        _time.Advance(ShortLease - TimeSpan.FromMilliseconds(1));
        var beforeTheDeadline = await Store.ReapExpiredAsync(experimentId, token);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var atTheDeadline = await Store.ReapExpiredAsync(experimentId, token);

        Assert.Empty(beforeTheDeadline);
        Assert.Equal([trialId], atTheDeadline);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_DeadlineReachedWhileRunning_RefusesAndRenewalIsCancelled()
    {
        var experimentId = Guid.NewGuid();
        var trialId = Guid.NewGuid();
        var token = TestContext.Current.CancellationToken;
        await Store.CreateExperimentAsync(experimentId, 2, _time.GetUtcNow().AddSeconds(2), token);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, token));

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.False(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, token));
        Assert.Equal(LeaseStatus.Cancelled, await Store.RenewLeaseAsync(experimentId, trialId, LongLease, token));
    }
}
