using HyperQueue.TestInfrastructure.Services;
using StackExchange.Redis;

namespace HyperQueue.Integration.Tests.Smoke;

public sealed class RedisSmokeTests(TestServices services)
{
    // Increments only while below the limit: the shape of the scheduler's slot acquire.
    private const string BoundedIncrement = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '0')
        if current >= tonumber(ARGV[1]) then return -1 end
        return redis.call('INCR', KEYS[1])
        """;

    [Fact]
    public async Task LuaScript_ManyConcurrentCallers_NeverPassesTheLimit()
    {
        var redis = await services.Redis.RequireAsync(TestContext.Current.CancellationToken);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var database = connection.GetDatabase();
        var key = "hq:smoke:" + Guid.NewGuid().ToString("N");

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            database.ScriptEvaluateAsync(BoundedIncrement, [key], [7])));

        var granted = results.Select(r => (long)r).Where(r => r > 0).Order().ToArray();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], granted);
        Assert.Equal(193, results.Count(r => (long)r == -1));
        Assert.Equal(7, (long)await database.StringGetAsync(key));
    }
}
