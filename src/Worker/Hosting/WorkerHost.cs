using HyperQueue.Tracking.Client;
using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Objectives;
using HyperQueue.Worker.Registry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HyperQueue.Worker.Hosting;

/// <summary>
/// A standalone worker process (<c>hq worker</c>): joins RabbitMQ, keeps leases and its registration in Redis,
/// and serves the objectives of its objectives file plus those added in code, like a SparkTrials executor.
/// </summary>
public static class WorkerHost
{
    /// <summary>Runs the worker until <paramref name="cancellationToken"/> fires or the host is asked to stop.</summary>
    /// <exception cref="BrokerConnectionException">
    /// The broker did not accept a connection within <see cref="BrokerConnection.ConnectTimeout"/> of the start (once
    /// started, the worker rides out broker outages, reconnecting).
    /// </exception>
    public static async Task RunAsync(WorkerHostSettings settings, CancellationToken cancellationToken)
    {
        using var host = await BuildAsync(settings, cancellationToken);
        await BrokerConnection.StartAsync(host, settings.Broker!, cancellationToken);
        await host.WaitForShutdownAsync(cancellationToken);
    }

    /// <summary>
    /// Builds the worker host without starting it: reads the objectives file and connects to Redis first, so bad
    /// input fails here with a message naming it. The host owns the Redis connection.
    /// </summary>
    /// <exception cref="ArgumentException">A setting breaks its rule, or the worker would serve no objective.</exception>
    /// <exception cref="ObjectivesFileException">The objectives file is unreadable or invalid (the message names the JSON path).</exception>
    /// <exception cref="RedisConnectionException">Redis does not answer at <see cref="WorkerHostSettings.Redis"/>.</exception>
    public static async Task<IHost> BuildAsync(WorkerHostSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Validate(settings);
        var commandObjectives = settings.ObjectivesFile is { } file
            ? await WorkerObjectivesFile.LoadAsync(file, cancellationToken)
            : new Dictionary<string, CommandObjectiveDefinition>();

        var builder = Host.CreateApplicationBuilder();
        var redis = await RedisConnection.ConnectAsync(settings.Redis, cancellationToken);
        try
        {
            // Registered through a factory so the container disposes the connection with the host.
            builder.Services.AddSingleton<IConnectionMultiplexer>(_ => redis);
            builder.Services.AddSingleton<IInFlightStore>(services => new RedisInFlightStore(services.GetRequiredService<IConnectionMultiplexer>()));
            builder.Services.AddSingleton<IWorkerRegistry>(services => new RedisWorkerRegistry(
                services.GetRequiredService<IConnectionMultiplexer>(),
                logger: services.GetRequiredService<ILogger<RedisWorkerRegistry>>()));
            builder.Services.AddMassTransit(bus =>
            {
                bus.AddHyperQueueWorkerConsumers();
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(settings.Broker);
                    rabbit.ConfigureHyperQueueWorkerEndpoints(context);
                    rabbit.ConfigureEndpoints(context);
                });
            });
            builder.WaitForBrokerOnStart(LogLevel.Information);
            // After the bus: hosted services start in the order they were added, so the worker registers as live only
            // once the broker has accepted it, and stop in reverse, so it unregisters before the bus stops.
            builder.Services.AddHyperQueueWorker(worker =>
            {
                worker.AddCommandObjectives(commandObjectives);
                settings.ConfigureWorker?.Invoke(worker);
                worker.Configure(options =>
                {
                    options.Slots = settings.Slots ?? options.Slots;
                    options.WorkerId = settings.WorkerId ?? options.WorkerId;
                    options.TrackingUri = settings.TrackingUri ?? options.TrackingUri;
                });
            });
            // A start that fails reaches the caller as an exception with its reason; the host's own report of it is a
            // page of stack trace in front of that one line.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

            var host = builder.Build();
            if (host.Services.GetRequiredService<ObjectiveRegistry>().Names is { Count: 0 })
            {
                throw new ArgumentException("the worker serves no objective: give an objectives file or register objectives in code", nameof(settings));
            }

            return host;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    private static void Validate(WorkerHostSettings settings)
    {
        if (settings.Broker is null || !settings.Broker.IsAbsoluteUri || settings.Broker.Scheme is not ("amqp" or "amqps" or "rabbitmq" or "rabbitmqs"))
        {
            throw new ArgumentException($"broker ('{settings.Broker}') must be an AMQP URI: amqp://user:pass@host:port/vhost", nameof(settings));
        }

        if (string.IsNullOrWhiteSpace(settings.Redis))
        {
            throw new ArgumentException($"redis ('{settings.Redis}') must be host:port", nameof(settings));
        }

        if (settings.TrackingUri is { } trackingUri)
        {
            try
            {
                // Checked here, not at the first trial: each trial's run would fail to log, and only the log would say why.
                TrackingClient.ValidateUri(trackingUri);
            }
            catch (Exception exception) when (exception is FormatException or NotSupportedException)
            {
                throw new ArgumentException($"tracking: {exception.Message}", nameof(settings), exception);
            }
        }

        if (settings.Slots is < 1)
        {
            throw new ArgumentException($"slots ({settings.Slots}) must be at least 1", nameof(settings));
        }
    }
}
