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
public sealed record ServiceConnection(string ConnectionString, ServiceOrigin Origin, IAsyncDisposable? Owner)
{
    /// <summary>The local server behind this connection, when the fixture started one (for restart tests).</summary>
    public LocalServer? LocalServer => Owner as LocalServer;
}
