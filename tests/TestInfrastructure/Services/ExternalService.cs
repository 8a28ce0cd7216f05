using Xunit;

using System.Runtime.ExceptionServices;

namespace HyperQueue.TestInfrastructure.Services;

/// <summary>
/// One real service an integration test needs (RabbitMQ, Redis or Postgres), found in this order:
/// a connection string from the environment; a Testcontainers container when a Docker engine answers;
/// a local server started from the installed binaries on free ports in a temporary folder; else a skip
/// (or, with <c>HQ_REQUIRE_SERVICES=1</c>, a failure that says how to install the service).
/// Started once, on first use, and stopped when the fixture is disposed.
/// </summary>
public abstract class ExternalService : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServiceConnection? _connection;
    private ExceptionDispatchInfo? _failure;
    private string? _unavailableReason;

    /// <summary>Display name, e.g. "RabbitMQ".</summary>
    public abstract string Name { get; }

    /// <summary>Environment variable that hands the tests an existing service.</summary>
    public abstract string EnvironmentVariable { get; }

    /// <summary>How a person installs the service on Debian when it is missing.</summary>
    public abstract string InstallHint { get; }

    /// <summary>The running service, started on first call; skips the test when none can be had.</summary>
    public async Task<ServiceConnection> RequireAsync(CancellationToken cancellationToken = default)
    {
        var connection = await TryGetAsync(cancellationToken);
        if (connection is not null)
        {
            return connection;
        }

        var message = $"{Name} is not available: {_unavailableReason}. {InstallHint}, or set {EnvironmentVariable}.";
        if (RequireServices)
        {
            throw new InvalidOperationException(message + " (HQ_REQUIRE_SERVICES=1 turns this skip into a failure)");
        }

        Assert.Skip(message);
        return null!;
    }

    /// <summary>
    /// Starts a server of this service for one test alone, from the installed binaries on free ports in a temporary
    /// folder, so the test may stop and restart it (an outage) without disturbing the tests that share the fixture's
    /// server. Skips when the binaries are missing (a failure under <c>HQ_REQUIRE_SERVICES=1</c>). Disposing the
    /// connection stops the server and removes its folder.
    /// </summary>
    public async Task<ServiceConnection> StartPrivateServerAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await StartLocalServerAsync(cancellationToken);
        }
        catch (ServiceUnavailableException ex)
        {
            var message = $"a private {Name} server cannot be started: {ex.Message}. {InstallHint}.";
            if (RequireServices)
            {
                throw new InvalidOperationException(message + " (HQ_REQUIRE_SERVICES=1 turns this skip into a failure)", ex);
            }

            Assert.Skip(message);
            return null!;
        }
    }

    /// <summary>True when CI demands every service (HQ_REQUIRE_SERVICES=1).</summary>
    public static bool RequireServices => Environment.GetEnvironmentVariable("HQ_REQUIRE_SERVICES") == "1";

    private async Task<ServiceConnection?> TryGetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _failure?.Throw();
            if (_connection is not null || _unavailableReason is not null)
            {
                return _connection;
            }

            try
            {
                _connection = await StartAsync(cancellationToken);
            }
            catch (ServiceUnavailableException ex)
            {
                _unavailableReason = ex.Message;
            }
            catch (Exception ex)
            {
                _failure = ExceptionDispatchInfo.Capture(
                    new InvalidOperationException($"{Name} was found but could not be started: {ex.Message}", ex));
                _failure.Throw();
            }

            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<ServiceConnection> StartAsync(CancellationToken cancellationToken)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return new ServiceConnection(fromEnvironment, ServiceOrigin.Environment, null);
        }

        if (DockerEngine.IsAvailable())
        {
            return await StartContainerAsync(cancellationToken);
        }

        return await StartLocalServerAsync(cancellationToken);
    }

    /// <summary>Starts a pinned container image with Testcontainers.</summary>
    protected abstract Task<ServiceConnection> StartContainerAsync(CancellationToken cancellationToken);

    /// <summary>Starts the installed server binary; throws <see cref="ServiceUnavailableException"/> if it is not installed.</summary>
    protected abstract Task<ServiceConnection> StartLocalServerAsync(CancellationToken cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_connection?.Owner is { } owner)
        {
            await owner.DisposeAsync();
        }

        _gate.Dispose();
        GC.SuppressFinalize(this);
    }
}
