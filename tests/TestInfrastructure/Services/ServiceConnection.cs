namespace HyperQueue.TestInfrastructure.Services;

/// <summary>Where a service came from.</summary>
public enum ServiceOrigin
{
    Environment,
    Container,
    LocalServer,
}

/// <summary>
/// A running service: its connection string (AMQP URI, Redis "host:port", Npgsql connection string),
/// its origin, and whatever owns its lifetime (a container or a local server process).
/// </summary>
public sealed record ServiceConnection(string ConnectionString, ServiceOrigin Origin, IAsyncDisposable? Owner) : IAsyncDisposable
{
    /// <summary>
    /// Stops what owns the service (a private server a test started); the fixture disposes its shared services
    /// itself, so a test never disposes those.
    /// </summary>
    public ValueTask DisposeAsync() => Owner?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>The local server behind this connection, when the fixture started one (for restart tests).</summary>
    public LocalServer? LocalServer => Owner as LocalServer;
}
