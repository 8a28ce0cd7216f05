using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Service;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary>A tracking service on a free loopback port over a fresh SQLite store in a temporary folder.</summary>
internal sealed class TestTrackingServer : IAsyncDisposable
{
    private TestTrackingServer(string folder, RunningTrackingServer server, TrackingClient client, HttpClient http)
    {
        Folder = folder;
        Server = server;
        Client = client;
        Http = http;
    }

    public string Folder { get; }

    public RunningTrackingServer Server { get; }

    /// <summary>A second client on the same store, for seeding and for checking what the API wrote.</summary>
    public TrackingClient Client { get; }

    public HttpClient Http { get; }

    public static async Task<TestTrackingServer> StartAsync(CancellationToken cancellationToken, Action<TrackingServerOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("hq-ui-").FullName;
        var options = new TrackingServerOptions
        {
            TrackingUri = $"sqlite:{Path.Combine(folder, "tracking.db")}",
            ArtifactRoot = Path.Combine(folder, "artifacts"),
            Urls = "http://127.0.0.1:0",
        };
        configure?.Invoke(options);
        var server = await TrackingServer.StartAsync(options, cancellationToken: cancellationToken);
        var client = TrackingClient.Create(options.TrackingUri, options.ArtifactRoot);
        var baseAddress = new UriBuilder(server.Address) { Host = "127.0.0.1" }.Uri;
        var http = new HttpClient { BaseAddress = baseAddress };
        if (options.Token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        }

        return new TestTrackingServer(folder, server, client, http);
    }

    /// <summary>POSTs a JSON body written as the MLflow client writes it; returns the status and the parsed answer.</summary>
    public async Task<(int Status, JsonElement Body)> PostAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken);
        return ((int)response.StatusCode, await ParseAsync(response, cancellationToken));
    }

    public async Task<(int Status, JsonElement Body)> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(pathAndQuery, UriKind.Relative), cancellationToken);
        return ((int)response.StatusCode, await ParseAsync(response, cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
        await Client.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    private static async Task<JsonElement> ParseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        return document.RootElement.Clone();
    }
}
