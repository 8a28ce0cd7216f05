using System.Globalization;
using Testcontainers.RabbitMq;

namespace HyperQueue.TestInfrastructure.Services;

/// <summary>
/// RabbitMQ; the connection string is an AMQP URI. The broker raises <c>consumer_timeout</c> to 24 h so that
/// hour-long trials are not requeued after RabbitMQ's default 30 minutes.
/// </summary>
public sealed class RabbitMqService : ExternalService
{
    private const string Config = """
        loopback_users = none
        consumer_timeout = 86400000
        """;

    public override string Name => "RabbitMQ";

    public override string EnvironmentVariable => "HQ_TEST_RABBITMQ";

    public override string InstallHint => "Install it with `apt-get install rabbitmq-server`";

    protected override async Task<ServiceConnection> StartContainerAsync(CancellationToken cancellationToken)
    {
        var container = new RabbitMqBuilder("rabbitmq:3.13.7-alpine")
            .WithResourceMapping(System.Text.Encoding.UTF8.GetBytes(Config), DotNet.Testcontainers.Builders.FilePath.Of("/etc/rabbitmq/conf.d/90-hq.conf"))
            .Build();
        await container.StartAsync(cancellationToken);
        return new ServiceConnection(container.GetConnectionString(), ServiceOrigin.Container, container);
    }

    protected override async Task<ServiceConnection> StartLocalServerAsync(CancellationToken cancellationToken)
    {
        var server = ProcessRunner.Find("/usr/lib/rabbitmq/bin/rabbitmq-server")
            ?? throw new ServiceUnavailableException("rabbitmq-server is not installed");
        var control = ProcessRunner.Find("/usr/lib/rabbitmq/bin/rabbitmqctl")
            ?? throw new ServiceUnavailableException("rabbitmqctl is not installed");

        var port = FreePort.Next();
        // The CLI tools take a distribution port 10000 above the node's; keep the node's own one clear of that.
        var distributionPort = FreePort.Next();
        var directory = System.IO.Directory.CreateTempSubdirectory("hq-rabbitmq-").FullName;
        var node = $"hqtest{port}@localhost";
        var pidFile = Path.Combine(directory, "rabbit.pid");
        await File.WriteAllTextAsync(
            Path.Combine(directory, "rabbitmq.conf"),
            $"listeners.tcp.default = 127.0.0.1:{port}\n{Config}\n",
            cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].\n", cancellationToken);

        var environment = new Dictionary<string, string>
        {
            ["HOME"] = directory, // the Erlang cookie lives here
            ["RABBITMQ_NODENAME"] = node,
            ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
            ["RABBITMQ_CONF_ENV_FILE"] = "/dev/null",
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_PID_FILE"] = pidFile,
        };

        async Task Start(CancellationToken token)
        {
            if (File.Exists(pidFile))
            {
                File.Delete(pidFile);
            }

            await ProcessRunner.RunAsync(server, ["-detached"], environment, directory, TimeSpan.FromSeconds(60), token);
            await ProcessRunner.RunAsync(
                control, ["-n", node, "wait", pidFile, "--timeout", "90"], environment, directory, TimeSpan.FromSeconds(100), token);
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), token);
        }

        Task Stop(CancellationToken token) =>
            ProcessRunner.RunAsync(control, ["-n", node, "stop", pidFile], environment, directory, TimeSpan.FromSeconds(60), token);

        var local = new LocalServer(directory, port, Start, Stop);
        await local.StartAsync(cancellationToken);
        return new ServiceConnection($"amqp://guest:guest@127.0.0.1:{port}/", ServiceOrigin.LocalServer, local);
    }
}
