using HyperQueue.Worker.Objectives;
using HyperQueue.Worker.Tracking;
using HyperQueue.Worker.Trials;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HyperQueue.Worker.Hosting;

/// <summary>Adds a HyperQueue worker (the SparkTrials executor side) to a service collection.</summary>
public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the worker's objectives, options (<see cref="WorkerOptions.SectionName"/>, validated at start),
    /// running-trial registry, registration heartbeat and the tracking of each trial's child run (objectives log into
    /// it through <c>context.Run</c>; register another <see cref="ITrialRunLoggerFactory"/> to replace it). The bus
    /// side is separate so a service that already runs MassTransit keeps its own bus: call
    /// <see cref="WorkerBusExtensions.AddHyperQueueWorkerConsumers"/> in <c>AddMassTransit</c> and
    /// <see cref="WorkerBusExtensions.ConfigureHyperQueueWorkerEndpoints"/> in its transport callback.
    /// Needs an <c>IInFlightStore</c> (and optionally an <c>IWorkerRegistry</c>) in the container.
    /// </summary>
    /// <example><code>
    /// services.AddHyperQueueWorker(w => w.AddObjective&lt;TrainModel&gt;("train"));
    /// services.AddMassTransit(bus =>
    /// {
    ///     bus.AddHyperQueueWorkerConsumers();
    ///     bus.UsingRabbitMq((context, rabbit) =>
    ///     {
    ///         rabbit.Host(new Uri("amqp://guest:guest@localhost:5672/"));
    ///         rabbit.ConfigureHyperQueueWorkerEndpoints(context);
    ///         rabbit.ConfigureEndpoints(context);
    ///     });
    /// });
    /// </code></example>
    public static IServiceCollection AddHyperQueueWorker(this IServiceCollection services, Action<WorkerBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        // One registry however many times this is called, so objectives can be added from several places.
        var registry = services.LastOrDefault(service => service.ServiceType == typeof(ObjectiveRegistry))?.ImplementationInstance as ObjectiveRegistry;
        if (registry is null)
        {
            registry = new ObjectiveRegistry();
            services.AddSingleton(registry);
        }

        configure(new WorkerBuilder(services, registry));

        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RunningTrials>();
        services.TryAddSingleton<ObjectiveThreads>();
        services.TryAddSingleton<ITrialRunLoggerFactory, TrackingRunLoggerFactory>();
        services.AddOptions<WorkerOptions>()
            .Configure<IServiceProvider>((options, provider) =>
                provider.GetService<IConfiguration>()?.GetSection(WorkerOptions.SectionName).Bind(options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WorkerRegistrationService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TrialAbandonmentService>());
        return services;
    }
}
