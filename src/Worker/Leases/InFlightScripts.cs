using StackExchange.Redis;

namespace HyperQueue.Worker.Leases;

/// <summary>
/// The Lua scripts of <see cref="RedisInFlightStore"/>. Each multi-step operation is one script, so it is atomic,
/// and reads the server's clock (<c>TIME</c>) so lease deadlines never depend on a client's clock. StackExchange.Redis
/// loads each prepared script once per server and then calls it by SHA (EVALSHA, reloading on NOSCRIPT).
/// </summary>
/// <remarks>
/// Keys of an experiment (all hash-tagged <c>{exp:&lt;id&gt;}</c>, so Redis Cluster keeps them in one slot):
/// <c>meta</c> is a hash (parallelism, deadline in unix ms or empty, state running|ended, reason); <c>inflight</c>
/// is a sorted set of trial ids scored by lease deadline in unix ms; <c>lapsed</c> is a set of trials whose lease
/// lapsed and that an acquire removed to free their slots, kept until the reaper reports them.
/// Every write pushes the keys' expiry to retention after the later of now and the deadline.
/// </remarks>
internal static class InFlightScripts
{
    // Integers are formatted explicitly: Redis may render a Lua number as "1.7e+12", which PEXPIREAT refuses.
    private const string Clock = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
        local function int(n) return string.format('%d', n) end

        """;

    private const string Keep = """
        local function keep(deadline, ...)
          local from = now
          local until_deadline = tonumber(deadline)
          if until_deadline and until_deadline > from then from = until_deadline end
          local at = int(from + tonumber(@retention))
          for _, key in ipairs({...}) do redis.call('PEXPIREAT', key, at) end
        end

        """;

    /// <summary>Returns 1.</summary>
    public static readonly LuaScript Create = LuaScript.Prepare(Clock + Keep + """
        redis.call('HSET', @meta, 'parallelism', @parallelism, 'deadline', @deadline, 'state', 'running')
        redis.call('HDEL', @meta, 'reason')
        keep(@deadline, @meta, @inflight, @lapsed)
        return 1
        """);

    /// <summary>Returns 1 when restored, 0 when the experiment is known (nothing changed). Trials are space-separated ids.</summary>
    public static readonly LuaScript Restore = LuaScript.Prepare(Clock + Keep + """
        if redis.call('EXISTS', @meta) == 1 then return 0 end
        redis.call('HSET', @meta, 'parallelism', @parallelism, 'deadline', @deadline, 'state', 'running')
        local until_lease = int(now + tonumber(@lease))
        for trial in string.gmatch(@trials, '%S+') do redis.call('ZADD', @inflight, until_lease, trial) end
        keep(@deadline, @meta, @inflight, @lapsed)
        return 1
        """);

    /// <summary>Returns 1 when set, 0 when the experiment is unknown.</summary>
    public static readonly LuaScript SetParallelism = LuaScript.Prepare(Clock + Keep + """
        if redis.call('EXISTS', @meta) == 0 then return 0 end
        redis.call('HSET', @meta, 'parallelism', @parallelism)
        keep(redis.call('HGET', @meta, 'deadline'), @meta, @inflight, @lapsed)
        return 1
        """);

    /// <summary>Returns 1 when ended (now or before), 0 when the experiment is unknown.</summary>
    public static readonly LuaScript End = LuaScript.Prepare(Clock + Keep + """
        if redis.call('EXISTS', @meta) == 0 then return 0 end
        if redis.call('HGET', @meta, 'state') ~= 'ended' then
          redis.call('HSET', @meta, 'state', 'ended', 'reason', @reason)
        end
        keep(redis.call('HGET', @meta, 'deadline'), @meta, @inflight, @lapsed)
        return 1
        """);

    /// <summary>Returns 1 when the slot is granted (or already held, and renewed), 0 when refused.</summary>
    public static readonly LuaScript Acquire = LuaScript.Prepare(Clock + Keep + """
        local fields = redis.call('HMGET', @meta, 'state', 'parallelism', 'deadline')
        local deadline = tonumber(fields[3])
        if fields[1] ~= 'running' or (deadline and now >= deadline) then return 0 end
        if not redis.call('ZSCORE', @inflight, @trial) then
          local lapsed = redis.call('ZRANGEBYSCORE', @inflight, '-inf', int(now))
          if #lapsed > 0 then
            redis.call('ZREM', @inflight, unpack(lapsed))
            redis.call('SADD', @lapsed, unpack(lapsed))
          end
          if redis.call('ZCARD', @inflight) >= tonumber(fields[2]) then
            keep(fields[3], @lapsed)
            return 0
          end
          redis.call('SREM', @lapsed, @trial)
        end
        redis.call('ZADD', @inflight, int(now + tonumber(@lease)), @trial)
        keep(fields[3], @meta, @inflight, @lapsed)
        return 1
        """);

    /// <summary>Returns 0 (active), 1 (lost) or 2 (cancelled), the values of the mapping in <see cref="RedisInFlightStore"/>.</summary>
    public static readonly LuaScript Renew = LuaScript.Prepare(Clock + Keep + """
        local fields = redis.call('HMGET', @meta, 'state', 'deadline')
        local deadline = tonumber(fields[2])
        if fields[1] ~= 'running' or (deadline and now >= deadline) then return 2 end
        if not redis.call('ZSCORE', @inflight, @trial) then return 1 end
        redis.call('ZADD', @inflight, int(now + tonumber(@lease)), @trial)
        keep(fields[2], @meta, @inflight)
        return 0
        """);

    /// <summary>Returns the trial's redelivery count after adding one.</summary>
    public static readonly LuaScript CountRedelivery = LuaScript.Prepare(Clock + Keep + """
        local count = redis.call('HINCRBY', @redelivered, @trial, 1)
        keep(redis.call('HGET', @meta, 'deadline'), @redelivered)
        return count
        """);

    /// <summary>Returns 1 when the trial held a slot, else 0.</summary>
    public static readonly LuaScript Release = LuaScript.Prepare("""
        local held = redis.call('ZREM', @inflight, @trial)
        redis.call('SREM', @lapsed, @trial)
        return held
        """);

    /// <summary>Returns the trial ids whose lease lapsed.</summary>
    public static readonly LuaScript Reap = LuaScript.Prepare(Clock + """
        local reaped = redis.call('ZRANGEBYSCORE', @inflight, '-inf', int(now))
        if #reaped > 0 then redis.call('ZREM', @inflight, unpack(reaped)) end
        for _, trial in ipairs(redis.call('SMEMBERS', @lapsed)) do table.insert(reaped, trial) end
        redis.call('DEL', @lapsed)
        return reaped
        """);
}
