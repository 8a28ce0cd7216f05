using Testcontainers.Redis;

namespace HyperQueue.TestInfrastructure.Services;

/// <summary>Redis; the connection string is "host:port" (StackExchange.Redis configuration form).</summary>
public sealed class RedisService : ExternalService
{
    public override string Name => "Redis";

    public override string EnvironmentVariable => "HQ_TEST_REDIS";

    public override string InstallHint => "Install it with `apt-get install redis-server`";

    protected override async Task<ServiceConnection> StartContainerAsync(CancellationToken cancellationToken)
    {
        var container = new RedisBuilder("redis:7.2.5-alpine").Build();
        await container.StartAsync(cancellationToken);
        return new ServiceConnection(container.GetConnectionString(), ServiceOrigin.Container, container);
    }

    protected override async Task<ServiceConnection> StartLocalServerAsync(CancellationToken cancellationToken)
    {
        var binary = ProcessRunner.Find("redis-server", "/usr/bin/redis-server")
            ?? throw new ServiceUnavailableException("redis-server is not installed");
        var port = FreePort.Next();
        var directory = System.IO.Directory.CreateTempSubdirectory("hq-redis-").FullName;
        var pidFile = Path.Combine(directory, "redis.pid");

        async Task Start(CancellationToken token)
        {
            await ProcessRunner.RunAsync(
                binary,
                ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", directory, "--pidfile", pidFile],
                null, directory, TimeSpan.FromSeconds(30), token);
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), token);
        }

        async Task Stop(CancellationToken token)
        {
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile, token)).Trim(), out var pid))
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                await process.WaitForExitAsync(token);
            }
        }

        var server = new LocalServer(directory, port, Start, Stop);
        await server.StartAsync(cancellationToken);
        return new ServiceConnection($"127.0.0.1:{port}", ServiceOrigin.LocalServer, server);
    }
}
