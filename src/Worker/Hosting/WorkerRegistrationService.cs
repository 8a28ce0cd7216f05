using HyperQueue.Worker.Objectives;
using HyperQueue.Worker.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HyperQueue.Worker.Hosting;

/// <summary>
/// Keeps this worker in the registry (its slots and objectives) by re-registering every heartbeat, so the
/// scheduler's default parallelism counts it; unregisters on stop. A crashed worker drops out when its entry's
/// time to live (the lease duration) passes.
/// </summary>
internal sealed class WorkerRegistrationService(
    ObjectiveRegistry objectives,
    IOptions<WorkerOptions> options,
    TimeProvider timeProvider,
    ILogger<WorkerRegistrationService> logger,
    IWorkerRegistry? registry = null) : BackgroundService
{
    private readonly WorkerOptions settings = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.WorkerStarting(logger, settings.WorkerId, objectives.Names, settings.Slots);
        if (registry is null)
        {
            Log.NoRegistry(logger, settings.WorkerId);
            return;
        }

        var registration = new WorkerRegistration(settings.WorkerId, Environment.MachineName, settings.Slots, objectives.Names);
        using var timer = new PeriodicTimer(settings.HeartbeatInterval, timeProvider);
        try
        {
            do
            {
                try
                {
                    await registry.RegisterAsync(registration, settings.LeaseDuration, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The registry only informs the scheduler's default parallelism; trials keep running without it.
                    Log.RegistrationFailed(logger, exception, settings.WorkerId);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: unregistered below.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (registry is null)
        {
            return;
        }

        try
        {
            await registry.UnregisterAsync(settings.WorkerId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RegistrationFailed(logger, exception, settings.WorkerId);
        }
    }
}
