using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Registry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HyperQueue.Scheduler.Hosting;

/// <summary>
/// The services a distributed experiment talks to: a MassTransit bus, the in-flight store and the worker registry.
/// <see cref="StartEmbeddedAsync"/> runs all of it, workers included, in this process on the in-memory transport
/// (the default of <c>hq tune</c>); <see cref="ConnectAsync"/> joins a RabbitMQ broker and a Redis server that
/// separate <c>hq worker</c> processes serve.
/// </summary>
public sealed class QueueBackend : IAsyncDisposable
{
    private readonly IHost _host;

    private QueueBackend(IHost host, bool isEmbedded)
    {
        _host = host;
        IsEmbedded = isEmbedded;
    }

    /// <summary>True when the workers run in this process on the in-memory transport.</summary>
    public bool IsEmbedded { get; }

    internal IBus Bus => _host.Services.GetRequiredService<IBus>();

    /// <summary>Connects receive endpoints to the running bus (each experiment's results queue).</summary>
    internal IReceiveEndpointConnector EndpointConnector => _host.Services.GetRequiredService<IReceiveEndpointConnector>();

    internal IInFlightStore Store => _host.Services.GetRequiredService<IInFlightStore>();

    internal IWorkerRegistry Registry => _host.Services.GetRequiredService<IWorkerRegistry>();

    internal TimeProvider Time => _host.Services.GetRequiredService<TimeProvider>();

    internal ILoggerFactory LoggerFactory => _host.Services.GetRequiredService<ILoggerFactory>();

    internal IServiceProvider Services => _host.Services;

    /// <summary>
    /// Starts the scheduler's bus and <paramref name="slots"/> worker slots serving the objectives that
    /// <paramref name="configureWorker"/> registers, all in this process: the same consumer, lease and
    /// cancellation code as <c>hq worker</c>, without a broker or Redis.
    /// </summary>
    public static async Task<QueueBackend> StartEmbeddedAsync(
        Action<WorkerBuilder> configureWorker,
        int slots,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureWorker);
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        var builder = CreateBuilder();
        builder.Services.AddHyperQueueWorker(worker =>
        {
            configureWorker(worker);
            worker.Configure(options => options.Slots = slots);
        });
        builder.Services.AddSingleton<IInFlightStore>(services => new InMemoryInFlightStore(services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IWorkerRegistry>(services => new InMemoryWorkerRegistry(services.GetRequiredService<TimeProvider>()));
        configureServices?.Invoke(builder.Services);
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddHyperQueueWorkerConsumers();
            bus.UsingInMemory((context, memory) =>
            {
                memory.ConfigureHyperQueueWorkerEndpoints(context);
                memory.ConfigureEndpoints(context);
            });
        });
        return await StartAsync(builder, isEmbedded: true, host => host.StartAsync(cancellationToken));
    }

    /// <summary>Joins a RabbitMQ broker (<c>amqp://user:pass@host:port/vhost</c>) and a Redis server (<c>host:port</c>).</summary>
    public static async Task<QueueBackend> ConnectAsync(
        Uri broker,
        string redis,
        Action<IServiceCollection>? configureServices = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        if (!broker.IsAbsoluteUri || broker.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
        {
            throw new ArgumentException($"broker '{broker}' must be an AMQP URI: amqp://user:pass@host:port/vhost", nameof(broker));
        }

        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new ArgumentException($"redis '{redis}' must be host:port", nameof(redis));
        }

        var connection = await RedisConnection.ConnectAsync(redis, cancellationToken);
        try
        {
            var builder = CreateBuilder();
            // Through a factory so the container disposes the connection with the host.
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => connection);
            builder.Services.AddSingleton<IInFlightStore>(services => new RedisInFlightStore(services.GetRequiredService<IConnectionMultiplexer>()));
            builder.Services.AddSingleton<IWorkerRegistry>(services => new RedisWorkerRegistry(
                services.GetRequiredService<IConnectionMultiplexer>(), logger: services.GetRequiredService<ILogger<RedisWorkerRegistry>>()));
            configureServices?.Invoke(builder.Services);
            builder.Services.AddMassTransit(bus => bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker);
                rabbit.ConfigureEndpoints(context);
            }));
            // Connected before anything is created or recorded.
            builder.WaitForBrokerOnStart(LogLevel.Warning);
            return await StartAsync(builder, isEmbedded: false, host => BrokerConnection.StartAsync(host, broker, cancellationToken));
        }
        catch
        {
            // A host that failed to start may never have resolved the connection, so its container would not dispose it.
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A host lifetime that leaves signals to the process's owner: the host stops when it is disposed.</summary>
    private sealed class CallerOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static HostApplicationBuilder CreateBuilder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // The process's owner (hq tune, or the application using QueueTrials) handles Ctrl-C and SIGTERM and disposes
        // the backend when fmin has recorded what it must. The host's default console lifetime would stop the bus on
        // the same signal, under the running experiment, which then failed instead of ending as interrupted.
        builder.Services.AddSingleton<IHostLifetime, CallerOwnedLifetime>();
        builder.Services.AddSingleton(TimeProvider.System);
        // stdout belongs to the command's output (hq tune --json): every log line goes to stderr.
        builder.Logging.AddSimpleConsole(options => options.SingleLine = true);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(options =>
            options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A start that fails reaches the caller as an exception with its reason; the host's own report of it is a
        // page of stack trace in front of that one line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        return builder;
    }

    private static async Task<QueueBackend> StartAsync(HostApplicationBuilder builder, bool isEmbedded, Func<IHost, Task> start)
    {
        var host = builder.Build();
        try
        {
            await start(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new QueueBackend(host, isEmbedded);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
