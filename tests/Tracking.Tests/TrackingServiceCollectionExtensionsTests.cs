using HyperQueue.Tracking.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HyperQueue.Tracking.Tests;

public sealed class TrackingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddHyperQueueTracking_BadUri_HostFailsAtStartNamingKeyValueAndForms()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHyperQueueTracking(options => options.Uri = "mysql://db/x");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("HyperQueue:Tracking:Uri", error.Message, StringComparison.Ordinal);
        Assert.Contains("'mysql://db/x'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite:<path>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddHyperQueueTracking_SqliteUri_HostStartMigratesAndClientWorks()
    {
        var token = TestContext.Current.CancellationToken;
        var folder = Directory.CreateTempSubdirectory("hq-di-").FullName;
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddHyperQueueTracking(options =>
            {
                options.Uri = "sqlite:" + Path.Combine(folder, "t.db");
                options.ArtifactRoot = Path.Combine(folder, "artifacts");
            });
            using (var host = builder.Build())
            {
                await host.StartAsync(token);
                var client = host.Services.GetRequiredService<TrackingClient>();

                Assert.Equal(1, await client.GetSchemaVersionAsync(token));
                Assert.Equal(Path.Combine(folder, "artifacts"), client.ArtifactRoot);
                Assert.Same(client, host.Services.GetRequiredService<TrackingClient>());
                await host.StopAsync(token);
                await client.DisposeAsync();
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void AddHyperQueueTracking_CalledTwice_OneClientRegistration()
    {
        var services = new ServiceCollection();

        services.AddHyperQueueTracking().AddHyperQueueTracking();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(TrackingClient));
        Assert.Single(services, descriptor => descriptor.ImplementationType == typeof(TrackingInitializer));
    }
}
