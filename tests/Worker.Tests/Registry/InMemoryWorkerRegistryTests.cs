using HyperQueue.Worker.Registry;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Worker.Tests.Registry;

public sealed class InMemoryWorkerRegistryTests : WorkerRegistryContract
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public InMemoryWorkerRegistryTests()
    {
        Registry = new InMemoryWorkerRegistry(_time);
    }

    protected override IWorkerRegistry Registry { get; }

    protected override Task LetTimePassAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        _time.Advance(duration);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task GetLiveWorkersAsync_TimeToLiveEndsExactlyNow_DropsTheWorker()
    {
        var token = TestContext.Current.CancellationToken;
        await Registry.RegisterAsync(new WorkerRegistration("w-1", "h", 1, ["wine"]), ShortTimeToLive, token);

        _time.Advance(ShortTimeToLive - TimeSpan.FromMilliseconds(1));
        var beforeExpiry = await Registry.GetLiveWorkersAsync(token);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var atExpiry = await Registry.GetLiveWorkersAsync(token);

        Assert.Single(beforeExpiry);
        Assert.Empty(atExpiry);
    }

    [Fact]
    public async Task RegisterAsync_CallerChangesItsListAfterwards_KeepsTheRegisteredObjectives()
    {
        var token = TestContext.Current.CancellationToken;
        var objectives = new List<string> { "wine" };
        await Registry.RegisterAsync(new WorkerRegistration("w-1", "h", 1, objectives), LongTimeToLive, token);

        objectives.Add("branin");

        Assert.Equal(["wine"], Assert.Single(await Registry.GetLiveWorkersAsync(token)).Objectives);
    }
}
