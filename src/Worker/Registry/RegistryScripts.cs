using StackExchange.Redis;

namespace HyperQueue.Worker.Registry;

/// <summary>
/// The Lua scripts of <see cref="RedisWorkerRegistry"/>, atomic and on the server's clock (<c>TIME</c>).
/// A worker's key holds its registration JSON and expires with its time to live; the <c>live</c> sorted set scores
/// each worker id by that same expiry in unix ms so the live ones can be listed without scanning keys.
/// </summary>
internal static class RegistryScripts
{
    // Integers are formatted explicitly: Redis may render a Lua number as "1.7e+12", which PEXPIREAT refuses.
    private const string Clock = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local function int(n) return string.format('%d', n) end

        """;

    /// <summary>Stores the registration until now + ttl and keeps the live set only as long as its last worker.</summary>
    public static readonly LuaScript Register = LuaScript.Prepare(Clock + """
        local expiry = int(now + tonumber(@ttl))
        redis.call('SET', @worker, @registration, 'PX', @ttl)
        redis.call('ZADD', @live, expiry, @id)
        redis.call('ZREMRANGEBYSCORE', @live, '-inf', int(now))
        local last = redis.call('ZRANGE', @live, -1, -1, 'WITHSCORES')
        redis.call('PEXPIREAT', @live, int(tonumber(last[2])))
        return 1
        """);

    public static readonly LuaScript Unregister = LuaScript.Prepare("""
        redis.call('DEL', @worker)
        redis.call('ZREM', @live, @id)
        return 1
        """);

    /// <summary>Drops workers whose time to live passed and returns the ids of the others.</summary>
    public static readonly LuaScript Live = LuaScript.Prepare(Clock + """
        redis.call('ZREMRANGEBYSCORE', @live, '-inf', int(now))
        return redis.call('ZRANGE', @live, 0, -1)
        """);
}
