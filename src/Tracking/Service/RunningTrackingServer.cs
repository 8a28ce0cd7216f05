using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace HyperQueue.Tracking.Service;

/// <summary>A started tracking service; disposing it stops the server and closes the store.</summary>
public sealed class RunningTrackingServer : IAsyncDisposable
{
    private readonly WebApplication application;
    private readonly IAsyncDisposable client;

    internal RunningTrackingServer(WebApplication application, IAsyncDisposable client, IReadOnlyList<Uri> addresses)
    {
        this.application = application;
        this.client = client;
        Addresses = addresses;
    }

    /// <summary>Every address the server listens on, with the actual port when port 0 was asked for.</summary>
    public IReadOnlyList<Uri> Addresses { get; }

    /// <summary>The first bound address (what <c>hq ui</c> prints).</summary>
    public Uri Address => Addresses[0];

    /// <summary>Completes when the server stops, or throws when <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => application.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await application.StopAsync(CancellationToken.None);
        await application.DisposeAsync();
        await client.DisposeAsync();
    }
}
