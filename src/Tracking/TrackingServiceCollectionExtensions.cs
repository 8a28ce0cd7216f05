using HyperQueue.Tracking.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HyperQueue.Tracking;

/// <summary>Registers HyperQueue tracking in a host.</summary>
public static class TrackingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="TrackingOptions"/> (bound from <see cref="TrackingOptions.SectionName"/> when configuration is
    /// present, validated at start), a singleton <see cref="TrackingClient"/> and a hosted service that migrates the
    /// store at start. Existing registrations are kept (TryAdd).
    /// </summary>
    public static IServiceCollection AddHyperQueueTracking(this IServiceCollection services, Action<TrackingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<TrackingOptions>().BindConfiguration(TrackingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrackingOptions>, TrackingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => TrackingClient.Create(
            provider.GetRequiredService<IOptions<TrackingOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TrackingInitializer>());
        return services;
    }
}
