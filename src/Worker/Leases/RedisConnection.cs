using StackExchange.Redis;

namespace HyperQueue.Worker.Leases;

/// <summary>Connects to the Redis server that holds the in-flight state, with an error a user can act on.</summary>
public static class RedisConnection
{
    /// <summary>
    /// Connects to <paramref name="redis"/> (<c>host:port</c>, or a StackExchange.Redis configuration string).
    /// </summary>
    /// <exception cref="RedisConnectionException">
    /// No server answered; the message names the address and why, without the client library's advice about its own
    /// connection-string options.
    /// </exception>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string redis, CancellationToken cancellationToken)
    {
        try
        {
            return await ConnectionMultiplexer.ConnectAsync(redis).WaitAsync(cancellationToken);
        }
        catch (RedisConnectionException ex)
        {
            var cause = ex.InnerException is { } inner ? $": {inner.Message}" : string.Empty;
            throw new RedisConnectionException(
                ex.FailureType, $"cannot connect to Redis '{redis}' ({ex.FailureType}{cause})", ex);
        }
    }
}
