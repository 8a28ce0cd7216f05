using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Tests.Leases;
using StackExchange.Redis;

namespace HyperQueue.Integration.Tests.Leases;

/// <summary>The in-flight store contract on a real Redis, plus what only Redis has: key layout, expiry and scripts.</summary>
public sealed class RedisInFlightStoreTests(TestServices services) : InFlightStoreContract, IAsyncLifetime
{
    // Redis' TIME has millisecond resolution here; the margin keeps a lapsed lease from landing on the same millisecond.
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMilliseconds(50);

    private readonly RedisInFlightStoreOptions _options = new() { KeyPrefix = "hq-test-" + Guid.NewGuid().ToString("N") };
    private ConnectionMultiplexer? _connection;
    private RedisInFlightStore? _store;

    protected override IInFlightStore Store => _store ?? throw new InvalidOperationException("not initialized");

    protected override DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    private ConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("not initialized");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var redis = await services.Redis.RequireAsync(Token);
        _connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        _store = new RedisInFlightStore(_connection, _options);
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

    private RedisKey Key(Guid experimentId, string name) => $"{_options.KeyPrefix}:{{exp:{experimentId:D}}}:{name}";

    [Fact]
    public async Task Keys_OfOneExperiment_ShareOneClusterSlot()
    {
        var experimentId = Guid.NewGuid();
        await Store.CreateExperimentAsync(experimentId, 1, null, Token);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        var database = Connection.GetDatabase();
        Assert.True(await database.KeyExistsAsync(Key(experimentId, "meta")));
        Assert.True(await database.KeyExistsAsync(Key(experimentId, "inflight")));
        var slot = Connection.HashSlot(Key(experimentId, "meta"));
        Assert.Equal(slot, Connection.HashSlot(Key(experimentId, "inflight")));
        Assert.Equal(slot, Connection.HashSlot(Key(experimentId, "lapsed")));
    }

    [Fact]
    public async Task Keys_WithoutDeadline_ExpireOneRetentionAfterTheLastWrite()
    {
        var experimentId = Guid.NewGuid();
        await Store.CreateExperimentAsync(experimentId, 1, null, Token);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        var database = Connection.GetDatabase();
        foreach (var name in new[] { "meta", "inflight" })
        {
            var timeToLive = await database.KeyTimeToLiveAsync(Key(experimentId, name));
            // Set a moment ago to exactly the retention; a minute of slack covers a slow machine.
            Assert.InRange(timeToLive!.Value, _options.Retention - TimeSpan.FromMinutes(1), _options.Retention);
        }
    }

    [Fact]
    public async Task Keys_WithDeadlineAhead_ExpireOneRetentionAfterTheDeadline()
    {
        var experimentId = Guid.NewGuid();
        await Store.CreateExperimentAsync(experimentId, 1, Now.AddHours(2), Token);

        var timeToLive = await Connection.GetDatabase().KeyTimeToLiveAsync(Key(experimentId, "meta"));

        var expected = _options.Retention + TimeSpan.FromHours(2);
        Assert.InRange(timeToLive!.Value, expected - TimeSpan.FromMinutes(1), expected);
    }

    [Fact]
    public async Task Scripts_AfterFirstUse_AreCachedOnTheServerForEvalsha()
    {
        var experimentId = Guid.NewGuid();
        await Store.CreateExperimentAsync(experimentId, 1, null, Token);
        Assert.True(await Store.TryAcquireSlotAsync(experimentId, Guid.NewGuid(), LongLease, Token));

        var server = Connection.GetServers().Single();

        Assert.True(await server.ScriptExistsAsync(InFlightScripts.Create.ExecutableScript));
        Assert.True(await server.ScriptExistsAsync(InFlightScripts.Acquire.ExecutableScript));
    }

    [Fact]
    public async Task GetExperimentAsync_StateWrittenByAnotherProgram_ThrowsNamingTheKeyAndValue()
    {
        var experimentId = Guid.NewGuid();
        await Connection.GetDatabase().HashSetAsync(Key(experimentId, "meta"), "state", "paused");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => Store.GetExperimentAsync(experimentId, Token));

        Assert.Equal(
            $"in-flight store key '{Key(experimentId, "meta")}': state 'paused' must be 'running' or 'ended'",
            error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hq{x}")]
    public void Constructor_KeyPrefixEmptyOrWithBraces_ThrowsNamingTheKey(string keyPrefix)
    {
        var error = Assert.Throws<ArgumentException>(
            () => new RedisInFlightStore(Connection, new RedisInFlightStoreOptions { KeyPrefix = keyPrefix }));

        Assert.StartsWith(
            $"HyperQueue:InFlight:KeyPrefix ('{keyPrefix}') must be non-empty and contain no '{{' or '}}'",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RetentionBelowOneSecond_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<ArgumentException>(() => new RedisInFlightStore(
            Connection, new RedisInFlightStoreOptions { Retention = TimeSpan.FromMilliseconds(500) }));

        Assert.StartsWith(
            "HyperQueue:InFlight:Retention (00:00:00.5000000) must be at least one second",
            error.Message,
            StringComparison.Ordinal);
    }
}
