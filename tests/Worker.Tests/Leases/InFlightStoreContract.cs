using HyperQueue.Worker.Leases;

namespace HyperQueue.Worker.Tests.Leases;

/// <summary>
/// The behaviour every <see cref="IInFlightStore"/> must show. Run against the in-memory store here (fake time) and
/// against the Redis store in the integration tests (real time, the file is linked there), so embedded and
/// distributed modes follow the same rules. Time-dependent tests never measure time: they let a lease lapse and
/// then check the state.
/// </summary>
public abstract class InFlightStoreContract
{
    protected static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(300);
    protected static readonly TimeSpan LongLease = TimeSpan.FromMinutes(10);

    protected abstract IInFlightStore Store { get; }

    /// <summary>The clock the store reads deadlines against.</summary>
    protected abstract DateTimeOffset Now { get; }

    /// <summary>Lets at least <paramref name="duration"/> pass on the store's clock.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration, CancellationToken cancellationToken);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<Guid> RunningExperimentAsync(int parallelism, DateTimeOffset? deadline = null)
    {
        var experimentId = Guid.NewGuid();
        await Store.CreateExperimentAsync(experimentId, parallelism, deadline, Token);
        return experimentId;
    }

    [Fact]
    public async Task GetExperimentAsync_NeverCreated_ReturnsUnknown()
    {
        var liveness = await Store.GetExperimentAsync(Guid.NewGuid(), Token);

        Assert.Equal(new ExperimentLiveness(ExperimentState.Unknown, 0, null, null), liveness);
    }

    [Fact]
    public async Task CreateExperimentAsync_WithDeadline_GetReturnsRunningParallelismAndDeadline()
    {
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(Now.AddHours(1).ToUnixTimeMilliseconds());
        var experimentId = await RunningExperimentAsync(6, deadline);

        var liveness = await Store.GetExperimentAsync(experimentId, Token);

        Assert.Equal(new ExperimentLiveness(ExperimentState.Running, 6, deadline, null), liveness);
    }

    [Fact]
    public async Task CreateExperimentAsync_WithoutDeadline_GetReturnsNoDeadline()
    {
        var experimentId = await RunningExperimentAsync(3);

        var liveness = await Store.GetExperimentAsync(experimentId, Token);

        Assert.Equal(new ExperimentLiveness(ExperimentState.Running, 3, null, null), liveness);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-4)]
    public async Task CreateExperimentAsync_ParallelismBelowOne_ThrowsNamingTheValue(int parallelism)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.CreateExperimentAsync(Guid.NewGuid(), parallelism, null, Token));

        Assert.Equal("parallelism", error.ParamName);
        Assert.StartsWith($"parallelism ({parallelism}) must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_ZeroLease_ThrowsNamingTheRule()
    {
        var experimentId = await RunningExperimentAsync(1);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), TimeSpan.Zero, Token));

        Assert.Equal("lease", error.ParamName);
        Assert.Contains("must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_200ConcurrentCallersWithParallelism6_GrantsExactly6()
    {
        var experimentId = await RunningExperimentAsync(6);
        var trials = Enumerable.Range(0, 200).Select(_ => Guid.NewGuid()).ToArray();

        var granted = await Task.WhenAll(trials.Select(trialId =>
            Task.Run(() => Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token), Token)));

        var grantedTrials = trials.Where((_, index) => granted[index]).Order().ToArray();
        Assert.Equal(6, grantedTrials.Length);
        Assert.Equal(grantedTrials, (await Store.GetInFlightAsync(experimentId, Token)).Order().ToArray());
    }

    [Fact]
    public async Task TryAcquireSlotAsync_AtTheLimit_RefusesAnotherTrial()
    {
        var experimentId = await RunningExperimentAsync(2);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        var third = await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token);

        Assert.False(third);
        Assert.Equal(2, (await Store.GetInFlightAsync(experimentId, Token)).Count);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_SameTrialAgain_GrantsWithoutTakingASecondSlot()
    {
        var experimentId = await RunningExperimentAsync(2);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token));

        var again = await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token);
        var other = await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token);

        Assert.True(again);
        Assert.True(other);
        Assert.Equal(2, (await Store.GetInFlightAsync(experimentId, Token)).Count);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_HeldTrialAtTheLimit_RenewsItsLease()
    {
        var experimentId = await RunningExperimentAsync(1);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, ShortLease, Token));

        var again = await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token);
        await LetTimePassAsync(ShortLease * 2, Token);

        Assert.True(again);
        Assert.Empty(await Store.ReapExpiredAsync(experimentId, Token));
        Assert.Equal([trialId], await Store.GetInFlightAsync(experimentId, Token));
    }

    [Fact]
    public async Task TryAcquireSlotAsync_OtherExperimentFull_GrantsIndependently()
    {
        var full = await RunningExperimentAsync(1);
        var other = await RunningExperimentAsync(1);
        Assert.True(await Store.TryAcquireSlotAsync(full, Guid.NewGuid(), LongLease, Token));

        var granted = await Store.TryAcquireSlotAsync(other, Guid.NewGuid(), LongLease, Token);

        Assert.True(granted);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_UnknownExperiment_Refuses()
    {
        var granted = await Store.TryAcquireSlotAsync(Guid.NewGuid(), Guid.NewGuid(), LongLease, Token);

        Assert.False(granted);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_AfterEndExperiment_Refuses()
    {
        var experimentId = await RunningExperimentAsync(4);
        await Store.EndExperimentAsync(experimentId, "timeout", Token);

        var granted = await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token);

        Assert.False(granted);
        Assert.Empty(await Store.GetInFlightAsync(experimentId, Token));
    }

    [Fact]
    public async Task TryAcquireSlotAsync_DeadlinePassed_RefusesAndRenewalIsCancelled()
    {
        var experimentId = await RunningExperimentAsync(4, Now.AddMinutes(-1));

        var granted = await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token);

        Assert.False(granted);
        Assert.Equal(LeaseStatus.Cancelled, await Store.RenewLeaseAsync(experimentId, Guid.NewGuid(), LongLease, Token));
    }

    [Fact]
    public async Task TryAcquireSlotAsync_DeadlineAhead_Grants()
    {
        var experimentId = await RunningExperimentAsync(4, Now.AddHours(1));

        var granted = await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token);

        Assert.True(granted);
    }

    [Fact]
    public async Task ReleaseAsync_HeldSlot_ReturnsTrueAndFreesTheSlot()
    {
        var experimentId = await RunningExperimentAsync(1);
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, first, LongLease, Token));
        Assert.False(await Store.TryAcquireSlotAsync(experimentId, second, LongLease, Token));

        var released = await Store.ReleaseAsync(experimentId, first, Token);

        Assert.True(released);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, second, LongLease, Token));
        Assert.Equal([second], await Store.GetInFlightAsync(experimentId, Token));
    }

    [Fact]
    public async Task ReleaseAsync_NotHeld_ReturnsFalse()
    {
        var experimentId = await RunningExperimentAsync(1);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token));
        Assert.True(await Store.ReleaseAsync(experimentId, trialId, Token));

        var again = await Store.ReleaseAsync(experimentId, trialId, Token);

        Assert.False(again);
    }

    [Fact]
    public async Task ReapExpiredAsync_LeaseLapsed_ReportsTheTrialOnceAndFreesItsSlot()
    {
        var experimentId = await RunningExperimentAsync(2);
        var dead = Guid.NewGuid();
        var alive = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, dead, ShortLease, Token));
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, alive, LongLease, Token));
        await LetTimePassAsync(ShortLease * 2, Token);

        var reaped = await Store.ReapExpiredAsync(experimentId, Token);
        var reapedAgain = await Store.ReapExpiredAsync(experimentId, Token);

        Assert.Equal([dead], reaped);
        Assert.Empty(reapedAgain);
        Assert.Equal([alive], await Store.GetInFlightAsync(experimentId, Token));
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
    }

    [Fact]
    public async Task ReapExpiredAsync_LeasesActive_ReturnsNothing()
    {
        var experimentId = await RunningExperimentAsync(2);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        var reaped = await Store.ReapExpiredAsync(experimentId, Token);

        Assert.Empty(reaped);
        Assert.Single(await Store.GetInFlightAsync(experimentId, Token));
    }

    [Fact]
    public async Task GetInFlightAsync_LapsedButNotReaped_StillCountsTheTrial()
    {
        var experimentId = await RunningExperimentAsync(2);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, ShortLease, Token));
        await LetTimePassAsync(ShortLease * 2, Token);

        var inFlight = await Store.GetInFlightAsync(experimentId, Token);

        Assert.Equal([trialId], inFlight);
    }

    [Fact]
    public async Task TryAcquireSlotAsync_LapsedLeaseAtTheLimit_FreesTheSlotAndTheReaperStillReportsIt()
    {
        var experimentId = await RunningExperimentAsync(1);
        var dead = Guid.NewGuid();
        var next = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, dead, ShortLease, Token));
        await LetTimePassAsync(ShortLease * 2, Token);

        var granted = await Store.TryAcquireSlotAsync(experimentId, next, LongLease, Token);

        Assert.True(granted);
        Assert.Equal([next], await Store.GetInFlightAsync(experimentId, Token));
        Assert.Equal(LeaseStatus.Lost, await Store.RenewLeaseAsync(experimentId, dead, LongLease, Token));
        Assert.Equal([dead], await Store.ReapExpiredAsync(experimentId, Token));
    }

    [Fact]
    public async Task ReleaseAsync_LapsedTrialSetAsideByAcquire_ReturnsFalseAndIsNotReaped()
    {
        var experimentId = await RunningExperimentAsync(1);
        var dead = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, dead, ShortLease, Token));
        await LetTimePassAsync(ShortLease * 2, Token);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        var released = await Store.ReleaseAsync(experimentId, dead, Token);

        Assert.False(released);
        Assert.Empty(await Store.ReapExpiredAsync(experimentId, Token));
    }

    [Fact]
    public async Task TryAcquireSlotAsync_RetryOfLapsedTrial_GrantsAndIsNotReaped()
    {
        var experimentId = await RunningExperimentAsync(1);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, ShortLease, Token));
        await LetTimePassAsync(ShortLease * 2, Token);
        Assert.Equal([trialId], await Store.ReapExpiredAsync(experimentId, Token));

        var retried = await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token);

        Assert.True(retried);
        Assert.Equal(LeaseStatus.Active, await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token));
        Assert.Empty(await Store.ReapExpiredAsync(experimentId, Token));
    }

    [Fact]
    public async Task RenewLeaseAsync_HeldTrial_ReturnsActiveAndExtendsTheLease()
    {
        var experimentId = await RunningExperimentAsync(1);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, ShortLease, Token));

        var status = await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token);
        await LetTimePassAsync(ShortLease * 2, Token);

        Assert.Equal(LeaseStatus.Active, status);
        Assert.Empty(await Store.ReapExpiredAsync(experimentId, Token));
        Assert.Equal([trialId], await Store.GetInFlightAsync(experimentId, Token));
    }

    [Fact]
    public async Task RenewLeaseAsync_AfterReap_ReturnsLost()
    {
        var experimentId = await RunningExperimentAsync(1);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, ShortLease, Token));
        await LetTimePassAsync(ShortLease * 2, Token);
        Assert.Equal([trialId], await Store.ReapExpiredAsync(experimentId, Token));

        var status = await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token);

        Assert.Equal(LeaseStatus.Lost, status);
        Assert.Empty(await Store.GetInFlightAsync(experimentId, Token));
    }

    [Fact]
    public async Task RenewLeaseAsync_AfterRelease_ReturnsLost()
    {
        var experimentId = await RunningExperimentAsync(1);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token));
        Assert.True(await Store.ReleaseAsync(experimentId, trialId, Token));

        var status = await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token);

        Assert.Equal(LeaseStatus.Lost, status);
    }

    [Fact]
    public async Task RenewLeaseAsync_AfterEndExperiment_ReturnsCancelled()
    {
        var experimentId = await RunningExperimentAsync(2);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token));
        await Store.EndExperimentAsync(experimentId, "early stop", Token);

        var status = await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token);

        Assert.Equal(LeaseStatus.Cancelled, status);
    }

    [Fact]
    public async Task RenewLeaseAsync_UnknownExperiment_ReturnsCancelled()
    {
        var status = await Store.RenewLeaseAsync(Guid.NewGuid(), Guid.NewGuid(), LongLease, Token);

        Assert.Equal(LeaseStatus.Cancelled, status);
    }

    [Fact]
    public async Task EndExperimentAsync_CalledTwice_KeepsTheFirstReason()
    {
        var deadline = DateTimeOffset.FromUnixTimeMilliseconds(Now.AddHours(1).ToUnixTimeMilliseconds());
        var experimentId = await RunningExperimentAsync(5, deadline);

        await Store.EndExperimentAsync(experimentId, "timeout", Token);
        await Store.EndExperimentAsync(experimentId, "completed", Token);

        Assert.Equal(
            new ExperimentLiveness(ExperimentState.Ended, 5, deadline, "timeout"),
            await Store.GetExperimentAsync(experimentId, Token));
    }

    [Fact]
    public async Task EndExperimentAsync_UnknownExperiment_LeavesItUnknown()
    {
        var experimentId = Guid.NewGuid();

        await Store.EndExperimentAsync(experimentId, "timeout", Token);

        Assert.Equal(ExperimentState.Unknown, (await Store.GetExperimentAsync(experimentId, Token)).State);
    }

    [Fact]
    public async Task CreateExperimentAsync_AgainAfterEnd_RunsAgainAndKeepsTrialsInFlight()
    {
        var experimentId = await RunningExperimentAsync(2);
        var trialId = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token));
        await Store.EndExperimentAsync(experimentId, "scheduler stopped", Token);

        await Store.CreateExperimentAsync(experimentId, 3, null, Token);

        Assert.Equal(
            new ExperimentLiveness(ExperimentState.Running, 3, null, null),
            await Store.GetExperimentAsync(experimentId, Token));
        Assert.Equal([trialId], await Store.GetInFlightAsync(experimentId, Token));
        Assert.Equal(LeaseStatus.Active, await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token));
    }

    [Fact]
    public async Task RestoreExperimentAsync_LostExperiment_RunsAgainWithTheTrialsInFlightAndTheirLeasesRenewable()
    {
        var experimentId = Guid.NewGuid();
        var held = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var deadline = Now.AddHours(1);

        Assert.True(await Store.RestoreExperimentAsync(experimentId, 3, deadline, held, LongLease, Token));

        Assert.Equal(
            new ExperimentLiveness(ExperimentState.Running, 3, DateTimeOffset.FromUnixTimeMilliseconds(deadline.ToUnixTimeMilliseconds()), null),
            await Store.GetExperimentAsync(experimentId, Token));
        Assert.Equal(held.Order(), (await Store.GetInFlightAsync(experimentId, Token)).Order());
        foreach (var trialId in held)
        {
            Assert.Equal(LeaseStatus.Active, await Store.RenewLeaseAsync(experimentId, trialId, LongLease, Token));
        }

        // The restored trials hold two of the three slots: one more is granted, then none.
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.False(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
    }

    [Fact]
    public async Task RestoreExperimentAsync_RestoredLeaseLapses_IsReapedLikeAnyOther()
    {
        var experimentId = Guid.NewGuid();
        var trialId = Guid.NewGuid();
        Assert.True(await Store.RestoreExperimentAsync(experimentId, 2, null, [trialId], ShortLease, Token));

        await LetTimePassAsync(ShortLease * 2, Token);

        Assert.Equal([trialId], await Store.ReapExpiredAsync(experimentId, Token));
    }

    [Fact]
    public async Task RestoreExperimentAsync_KnownExperiment_ReturnsFalseAndChangesNothing()
    {
        var running = await RunningExperimentAsync(2);
        var held = Guid.NewGuid();
        Assert.True(await Store.TryAcquireSlotAsync(running, held, LongLease, Token));
        var ended = await RunningExperimentAsync(2);
        await Store.EndExperimentAsync(ended, "done", Token);

        Assert.False(await Store.RestoreExperimentAsync(running, 5, null, [Guid.NewGuid()], LongLease, Token));
        Assert.False(await Store.RestoreExperimentAsync(ended, 5, null, [Guid.NewGuid()], LongLease, Token));

        Assert.Equal(new ExperimentLiveness(ExperimentState.Running, 2, null, null), await Store.GetExperimentAsync(running, Token));
        Assert.Equal([held], await Store.GetInFlightAsync(running, Token));
        Assert.Equal(ExperimentState.Ended, (await Store.GetExperimentAsync(ended, Token)).State);
        Assert.Empty(await Store.GetInFlightAsync(ended, Token));
    }

    [Fact]
    public async Task SetParallelismAsync_Raised_GrantsTheExtraSlots()
    {
        var experimentId = await RunningExperimentAsync(1);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.False(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        await Store.SetParallelismAsync(experimentId, 3, Token);

        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.False(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.Equal(3, (await Store.GetExperimentAsync(experimentId, Token)).Parallelism);
    }

    [Fact]
    public async Task SetParallelismAsync_LoweredBelowInFlight_KeepsHeldSlotsAndRefusesNewOnes()
    {
        var experimentId = await RunningExperimentAsync(3);
        var held = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        foreach (var trialId in held)
        {
            Assert.True(await Store.TryAcquireSlotAsync(experimentId, trialId, LongLease, Token));
        }

        await Store.SetParallelismAsync(experimentId, 1, Token);

        Assert.Equal(held.Order(), (await Store.GetInFlightAsync(experimentId, Token)).Order());
        Assert.False(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));
        Assert.Equal(LeaseStatus.Active, await Store.RenewLeaseAsync(experimentId, held[0], LongLease, Token));
    }

    [Fact]
    public async Task SetParallelismAsync_UnknownExperiment_ThrowsNamingIt()
    {
        var experimentId = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Store.SetParallelismAsync(experimentId, 2, Token));

        Assert.Contains(experimentId.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CountRedeliveryAsync_RepeatedPerTrial_CountsEachTrialOnItsOwnUntilTheExperimentIsDeleted()
    {
        var experimentId = await RunningExperimentAsync(2);
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(1, await Store.CountRedeliveryAsync(experimentId, first, Token));
        Assert.Equal(2, await Store.CountRedeliveryAsync(experimentId, first, Token));
        Assert.Equal(1, await Store.CountRedeliveryAsync(experimentId, second, Token));
        Assert.Equal(3, await Store.CountRedeliveryAsync(experimentId, first, Token));

        await Store.DeleteExperimentAsync(experimentId, Token);

        Assert.Equal(1, await Store.CountRedeliveryAsync(experimentId, first, Token));
    }

    [Fact]
    public async Task DeleteExperimentAsync_WithTrialsInFlight_ForgetsEverything()
    {
        var experimentId = await RunningExperimentAsync(2);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        await Store.DeleteExperimentAsync(experimentId, Token);

        Assert.Equal(ExperimentState.Unknown, (await Store.GetExperimentAsync(experimentId, Token)).State);
        Assert.Empty(await Store.GetInFlightAsync(experimentId, Token));
        Assert.Empty(await Store.ReapExpiredAsync(experimentId, Token));
    }
}
