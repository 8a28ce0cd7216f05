using System.Globalization;
using Npgsql;
using Testcontainers.PostgreSql;

namespace HyperQueue.TestInfrastructure.Services;

/// <summary>Postgres; the connection string is an Npgsql connection string to a superuser database.</summary>
public sealed class PostgresService : ExternalService
{
    public override string Name => "Postgres";

    public override string EnvironmentVariable => "HQ_TEST_POSTGRES";

    public override string InstallHint => "Install it with `apt-get install postgresql`";

    /// <summary>Creates a new empty database so that a test class does not see another's rows.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var server = await RequireAsync(cancellationToken);
        var name = "hq_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString;
    }

    protected override async Task<ServiceConnection> StartContainerAsync(CancellationToken cancellationToken)
    {
        var container = new PostgreSqlBuilder("postgres:16.4-alpine").Build();
        await container.StartAsync(cancellationToken);
        return new ServiceConnection(container.GetConnectionString(), ServiceOrigin.Container, container);
    }

    protected override async Task<ServiceConnection> StartLocalServerAsync(CancellationToken cancellationToken)
    {
        var binDirectory = System.IO.Directory.Exists("/usr/lib/postgresql")
            ? System.IO.Directory.GetDirectories("/usr/lib/postgresql").OrderDescending()
                .Select(version => Path.Combine(version, "bin"))
                .FirstOrDefault(bin => File.Exists(Path.Combine(bin, "initdb")))
            : null;
        var initdb = binDirectory is null ? ProcessRunner.Find("initdb") : Path.Combine(binDirectory, "initdb");
        var pgCtl = binDirectory is null ? ProcessRunner.Find("pg_ctl") : Path.Combine(binDirectory, "pg_ctl");
        if (initdb is null || pgCtl is null)
        {
            throw new ServiceUnavailableException("the Postgres server binaries (initdb, pg_ctl) are not installed");
        }

        var port = FreePort.Next();
        var directory = System.IO.Directory.CreateTempSubdirectory("hq-postgres-").FullName;
        var dataDirectory = Path.Combine(directory, "data");

        // Postgres refuses to run as root: as root, run its tools as the postgres user through runuser.
        var asRoot = Environment.UserName == "root";
        var runuser = asRoot ? ProcessRunner.Find("runuser", "/usr/sbin/runuser", "/sbin/runuser") : null;
        if (asRoot)
        {
            if (runuser is null)
            {
                throw new ServiceUnavailableException("running as root needs runuser to start Postgres as the postgres user");
            }

            await ProcessRunner.RunAsync("chown", ["postgres:postgres", directory], null, null, TimeSpan.FromSeconds(10), cancellationToken);
        }

        Task Run(string tool, string[] arguments, CancellationToken token) => asRoot
            ? ProcessRunner.RunAsync(runuser!, ["-u", "postgres", "--", tool, .. arguments], null, directory, TimeSpan.FromSeconds(120), token)
            : ProcessRunner.RunAsync(tool, arguments, null, directory, TimeSpan.FromSeconds(120), token);

        await Run(initdb, ["-D", dataDirectory, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], cancellationToken);
        var serverOptions = string.Create(
            CultureInfo.InvariantCulture,
            $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200");

        Task Start(CancellationToken token) =>
            Run(pgCtl, ["-D", dataDirectory, "-o", serverOptions, "-l", Path.Combine(directory, "postgres.log"), "-w", "-t", "60", "start"], token);

        Task Stop(CancellationToken token) => Run(pgCtl, ["-D", dataDirectory, "-m", "fast", "-w", "stop"], token);

        var server = new LocalServer(directory, port, Start, Stop);
        await server.StartAsync(cancellationToken);
        return new ServiceConnection(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres", ServiceOrigin.LocalServer, server);
    }
}
