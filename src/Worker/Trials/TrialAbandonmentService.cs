using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Trials;

/// <summary>
/// At host shutdown, cancels running trials before MassTransit waits for its consumers, so stopping a worker takes
/// seconds, not the rest of an hour-long trial. Hooks ApplicationStopping, which fires before any hosted service stops.
/// </summary>
internal sealed class TrialAbandonmentService(
    RunningTrials runningTrials,
    ILogger<TrialAbandonmentService> logger,
    IHostApplicationLifetime? lifetime = null) : IHostedService, IDisposable
{
    private CancellationTokenRegistration stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Without a generic host (a bare container, the test harness) nothing announces a shutdown.
        if (lifetime is not null)
        {
            stopping = lifetime.ApplicationStopping.Register(() =>
            {
                var abandoned = runningTrials.AbandonAll();
                Log.TrialsAbandoned(logger, abandoned);
            });
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => stopping.Dispose();
}
