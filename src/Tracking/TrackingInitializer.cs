using HyperQueue.Tracking.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HyperQueue.Tracking;

/// <summary>Migrates the store when the host starts, so schema problems surface at start-up rather than mid-experiment.</summary>
internal sealed class TrackingInitializer(TrackingClient client, IOptions<TrackingOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.Value.Enabled ? client.InitializeAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
