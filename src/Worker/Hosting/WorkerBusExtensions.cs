using HyperQueue.Worker.Objectives;
using HyperQueue.Worker.Trials;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HyperQueue.Worker.Hosting;

/// <summary>The MassTransit side of a worker, for a bus the host configures (RabbitMQ, or in-memory in embedded mode).</summary>
public static class WorkerBusExtensions
{
    /// <summary>Registers the worker's consumers; their endpoints come from <see cref="ConfigureHyperQueueWorkerEndpoints"/>.</summary>
    public static IBusRegistrationConfigurator AddHyperQueueWorkerConsumers(this IBusRegistrationConfigurator bus)
    {
        ArgumentNullException.ThrowIfNull(bus);

        // Excluded from ConfigureEndpoints: one consumer serves a queue per objective, which a definition cannot express.
        bus.AddConsumer<EvaluateTrialConsumer>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<WorkerCancellationConsumer>().ExcludeFromConfigureEndpoints();
        return bus;
    }

    /// <summary>
    /// Configures a durable <c>hq.evaluate.&lt;objective&gt;</c> queue per registered objective (concurrency and
    /// prefetch = <see cref="WorkerOptions.Slots"/>, no retry: a trial's outcome is always an answer, never a
    /// redelivery) and this worker's own temporary endpoint for <c>CancelExperiment</c>/<c>CancelTrial</c>
    /// publishes. Call it before <c>ConfigureEndpoints</c>.
    /// </summary>
    public static void ConfigureHyperQueueWorkerEndpoints(this IReceiveConfigurator configurator, IBusRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var slots = context.GetRequiredService<IOptions<WorkerOptions>>().Value.Slots;
        foreach (var objective in context.GetRequiredService<ObjectiveRegistry>().Names)
        {
            configurator.ReceiveEndpoint(ObjectiveNames.QueueName(objective), endpoint =>
            {
                // The scheduler sends to the queue by name; binding it to the EvaluateTrial exchange would copy every publish into every objective's queue.
                endpoint.ConfigureConsumeTopology = false;
                endpoint.PrefetchCount = slots;
                endpoint.ConcurrentMessageLimit = slots;
                endpoint.ConfigureConsumer<EvaluateTrialConsumer>(context);
            });
        }

        configurator.ReceiveEndpoint(new TemporaryEndpointDefinition("hq-worker-cancel"), null, endpoint =>
            endpoint.ConfigureConsumer<WorkerCancellationConsumer>(context));
    }
}
