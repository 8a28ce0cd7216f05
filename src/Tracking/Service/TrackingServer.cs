using System.Net;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Service.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// The tracking service and dashboard (<c>hq ui</c>; MLflow's <c>mlflow server</c>): MLflow REST API 2.0 under
/// <c>/api/2.0/mlflow/</c>, HyperQueue's own under <c>/api/hq/</c>, HTML pages under <c>/</c>.
/// </summary>
public static class TrackingServer
{
    /// <summary>
    /// Opens the store and starts listening. Loopback addresses need no token; any other address (<c>0.0.0.0</c>, a
    /// host name, <c>*</c>) needs <see cref="TrackingServerOptions.Token"/>, else this throws before binding.
    /// </summary>
    public static async Task<RunningTrackingServer> StartAsync(
        TrackingServerOptions options,
        ILoggerFactory? loggerFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var urls = ParseUrls(options.Urls);
        var exposed = urls.Where(url => !IsLoopback(url)).ToList();
        if (exposed.Count > 0 && string.IsNullOrEmpty(options.Token))
        {
            throw new ArgumentException(
                $"urls '{options.Urls}': '{exposed[0]}' is not a loopback address, so a bearer token is required " +
                $"(--token or {TrackingServerOptions.TokenEnvironmentVariable}); without one only 127.0.0.1 or localhost may be bound");
        }

        if (options.RefreshSeconds < 1)
        {
            throw new ArgumentException($"RefreshSeconds ({options.RefreshSeconds}) must be 1 or more");
        }

        var client = TrackingClient.Create(options.TrackingUri, options.ArtifactRoot, loggerFactory: loggerFactory);
        try
        {
            await client.InitializeAsync(cancellationToken);
            var application = Build(options, client, urls, loggerFactory);
            await application.StartAsync(cancellationToken);
            var addresses = application.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Select(address => new Uri(address)).ToList();
            var listening = string.Join(", ", addresses);
            var logger = application.Services.GetRequiredService<ILogger<RunningTrackingServer>>();
            Log.Listening(logger, listening, client.ArtifactRoot);
            return new RunningTrackingServer(application, client, addresses);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static WebApplication Build(TrackingServerOptions options, TrackingClient client, IReadOnlyList<string> urls, ILoggerFactory? loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(TrackingServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls([.. urls]);
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.Services.AddSingleton(client);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);

        var application = builder.Build();
        if (!string.IsNullOrEmpty(options.Token))
        {
            application.UseMiddleware<BearerTokenMiddleware>(options.Token);
        }

        application.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api => api.UseMiddleware<ApiErrorMiddleware>());
        MlflowApi.Map(application);
        HyperQueueApi.Map(application);
        DashboardPages.Map(application);
        return application;
    }

    private static List<string> ParseUrls(string urls)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(urls);
        return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static bool IsLoopback(string url)
    {
        var host = BindingAddress.Parse(url).Host;
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
    }
}
