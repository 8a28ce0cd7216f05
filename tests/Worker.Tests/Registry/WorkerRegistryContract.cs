using HyperQueue.Worker.Registry;

namespace HyperQueue.Worker.Tests.Registry;

/// <summary>
/// The behaviour every <see cref="IWorkerRegistry"/> must show; run against the in-memory registry here (fake time)
/// and against the Redis registry in the integration tests (the file is linked there). Each test gets an empty
/// registry. Time-dependent tests let a time to live pass and then check the state, never measuring time.
/// </summary>
public abstract class WorkerRegistryContract
{
    protected static readonly TimeSpan ShortTimeToLive = TimeSpan.FromMilliseconds(300);
    protected static readonly TimeSpan LongTimeToLive = TimeSpan.FromMinutes(10);

    protected abstract IWorkerRegistry Registry { get; }

    /// <summary>Lets at least <paramref name="duration"/> pass on the registry's clock.</summary>
    protected abstract Task LetTimePassAsync(TimeSpan duration, CancellationToken cancellationToken);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static WorkerRegistration Worker(string workerId, int slots = 4, params string[] objectives) =>
        new(workerId, "host-" + workerId, slots, objectives.Length == 0 ? ["wine"] : objectives);

    [Fact]
    public async Task GetLiveWorkersAsync_NothingRegistered_ReturnsEmpty()
    {
        Assert.Empty(await Registry.GetLiveWorkersAsync(Token));
    }

    [Fact]
    public async Task RegisterAsync_TwoWorkers_GetLiveReturnsBothWithTheirFieldsOrderedById()
    {
        await Registry.RegisterAsync(Worker("w-2", 2, "wine", "branin"), LongTimeToLive, Token);
        await Registry.RegisterAsync(Worker("w-1", 4, "wine"), LongTimeToLive, Token);

        var live = await Registry.GetLiveWorkersAsync(Token);

        Assert.Equal(["w-1", "w-2"], live.Select(worker => worker.WorkerId));
        Assert.Equal(["host-w-1", "host-w-2"], live.Select(worker => worker.Host));
        Assert.Equal([4, 2], live.Select(worker => worker.Slots));
        Assert.Equal(["wine"], live[0].Objectives);
        Assert.Equal(["wine", "branin"], live[1].Objectives);
    }

    [Fact]
    public async Task RegisterAsync_SameWorkerAgain_ReplacesItsRegistration()
    {
        await Registry.RegisterAsync(Worker("w-1", 4, "wine"), LongTimeToLive, Token);

        await Registry.RegisterAsync(Worker("w-1", 8, "branin"), LongTimeToLive, Token);

        var worker = Assert.Single(await Registry.GetLiveWorkersAsync(Token));
        Assert.Equal(8, worker.Slots);
        Assert.Equal(["branin"], worker.Objectives);
    }

    [Fact]
    public async Task RegisterAsync_TimeToLivePassed_DropsOnlyThatWorker()
    {
        await Registry.RegisterAsync(Worker("dead"), ShortTimeToLive, Token);
        await Registry.RegisterAsync(Worker("alive"), LongTimeToLive, Token);

        await LetTimePassAsync(ShortTimeToLive * 2, Token);

        Assert.Equal(["alive"], (await Registry.GetLiveWorkersAsync(Token)).Select(worker => worker.WorkerId));
    }

    [Fact]
    public async Task RegisterAsync_HeartbeatBeforeExpiry_KeepsTheWorkerLive()
    {
        await Registry.RegisterAsync(Worker("w-1"), ShortTimeToLive, Token);

        await Registry.RegisterAsync(Worker("w-1"), LongTimeToLive, Token);
        await LetTimePassAsync(ShortTimeToLive * 2, Token);

        Assert.Equal(["w-1"], (await Registry.GetLiveWorkersAsync(Token)).Select(worker => worker.WorkerId));
    }

    [Fact]
    public async Task RegisterAsync_AfterExpiry_MakesTheWorkerLiveAgain()
    {
        await Registry.RegisterAsync(Worker("w-1"), ShortTimeToLive, Token);
        await LetTimePassAsync(ShortTimeToLive * 2, Token);
        Assert.Empty(await Registry.GetLiveWorkersAsync(Token));

        await Registry.RegisterAsync(Worker("w-1"), LongTimeToLive, Token);

        Assert.Equal(["w-1"], (await Registry.GetLiveWorkersAsync(Token)).Select(worker => worker.WorkerId));
    }

    [Fact]
    public async Task UnregisterAsync_RegisteredWorker_RemovesIt()
    {
        await Registry.RegisterAsync(Worker("w-1"), LongTimeToLive, Token);
        await Registry.RegisterAsync(Worker("w-2"), LongTimeToLive, Token);

        await Registry.UnregisterAsync("w-1", Token);
        await Registry.UnregisterAsync("never-registered", Token);

        Assert.Equal(["w-2"], (await Registry.GetLiveWorkersAsync(Token)).Select(worker => worker.WorkerId));
    }

    [Theory]
    [InlineData(0, "slots (0) must be at least 1")]
    [InlineData(-1, "slots (-1) must be at least 1")]
    public async Task RegisterAsync_SlotsBelowOne_ThrowsNamingTheWorkerAndValue(int slots, string rule)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => Registry.RegisterAsync(Worker("w-1", slots), LongTimeToLive, Token));

        Assert.StartsWith($"worker 'w-1': {rule}", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Registry.GetLiveWorkersAsync(Token));
    }

    [Fact]
    public async Task RegisterAsync_EmptyObjectiveName_Throws()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => Registry.RegisterAsync(new WorkerRegistration("w-1", "h", 1, ["wine", " "]), LongTimeToLive, Token));

        Assert.StartsWith("worker 'w-1': objectives must be a list of non-empty names", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterAsync_ZeroTimeToLive_ThrowsNamingTheRule()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Registry.RegisterAsync(Worker("w-1"), TimeSpan.Zero, Token));

        Assert.Equal("timeToLive", error.ParamName);
        Assert.Contains("must be positive", error.Message, StringComparison.Ordinal);
    }
}
