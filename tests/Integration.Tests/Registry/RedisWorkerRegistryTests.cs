using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Registry;
using HyperQueue.Worker.Tests.Registry;
using StackExchange.Redis;

namespace HyperQueue.Integration.Tests.Registry;

/// <summary>The worker registry contract on a real Redis, plus what only Redis has: key expiry and foreign data.</summary>
public sealed class RedisWorkerRegistryTests(TestServices services) : WorkerRegistryContract, IAsyncLifetime
{
    // Redis' TIME has millisecond resolution here; the margin keeps an expiry from landing on the same millisecond.
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMilliseconds(50);

    // A prefix per test gives each test an empty registry on the shared server.
    private readonly RedisWorkerRegistryOptions _options = new() { KeyPrefix = "hq-test-" + Guid.NewGuid().ToString("N") };
    private ConnectionMultiplexer? _connection;
    private RedisWorkerRegistry? _registry;

    protected override IWorkerRegistry Registry => _registry ?? throw new InvalidOperationException("not initialized");

    private ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("not initialized");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var redis = await services.Redis.RequireAsync(Token);
        _connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _registry = new RedisWorkerRegistry(_connection, _options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
    }

    protected override Task LetTimePassAsync(TimeSpan duration, CancellationToken cancellationToken) =>
        Task.Delay(duration + ClockMargin, cancellationToken);

    private RedisKey LiveKey => $"{_options.KeyPrefix}:{{workers}}:live";

    private RedisKey WorkerKey(string workerId) => $"{_options.KeyPrefix}:{{workers}}:worker:{workerId}";

    [Fact]
    public async Task RegisterAsync_Worker_KeyAndLiveSetExpireWithTheTimeToLive()
    {
        await Registry.RegisterAsync(new WorkerRegistration("w-1", "h", 2, ["wine"]), TimeSpan.FromMinutes(5), Token);

        var database = Connection.GetDatabase();
        var workerTimeToLive = await database.KeyTimeToLiveAsync(WorkerKey("w-1"));
        var liveTimeToLive = await database.KeyTimeToLiveAsync(LiveKey);

        // Set a moment ago to exactly five minutes; a minute of slack covers a slow machine.
        Assert.InRange(workerTimeToLive!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.InRange(liveTimeToLive!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal(Connection.HashSlot(LiveKey), Connection.HashSlot(WorkerKey("w-1")));
    }

    [Fact]
    public async Task GetLiveWorkersAsync_KeyHoldsForeignData_SkipsItAndReturnsTheOthers()
    {
        await Registry.RegisterAsync(new WorkerRegistration("w-1", "h", 2, ["wine"]), LongTimeToLive, Token);
        var database = Connection.GetDatabase();
        await database.StringSetAsync(WorkerKey("broken"), "not json", TimeSpan.FromMinutes(5));
        await database.SortedSetAddAsync(LiveKey, "broken", TimeProvider.System.GetUtcNow().AddMinutes(5).ToUnixTimeMilliseconds());

        var live = await Registry.GetLiveWorkersAsync(Token);

        Assert.Equal(["w-1"], live.Select(worker => worker.WorkerId));
    }

    [Fact]
    public async Task RegisterAsync_Worker_StoresCamelCaseJson()
    {
        await Registry.RegisterAsync(new WorkerRegistration("w-1", "h", 2, ["wine"]), LongTimeToLive, Token);

        var json = await Connection.GetDatabase().StringGetAsync(WorkerKey("w-1"));

        Assert.Equal("""{"workerId":"w-1","host":"h","slots":2,"objectives":["wine"]}""", json.ToString());
    }
}
