using System.CommandLine;
using System.Data.Common;
using HyperQueue.Tracking;
using HyperQueue.Tracking.Service;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq ui [--tracking URI] [--urls http://127.0.0.1:5080] [--token T]</c>: the tracking service (MLflow REST API) and
/// dashboard over a store, until stopped (Ctrl+C or SIGTERM). Like <c>mlflow ui</c>/<c>mlflow server</c>.
/// </summary>
internal static class UiCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var tracking = new Option<string>("--tracking")
        {
            Description = "Tracking URI to serve (sqlite:PATH, postgres://..., Host=...)",
            DefaultValueFactory = _ => TrackingOptions.DefaultUri,
        };
        var urls = new Option<string>("--urls")
        {
            Description = "Addresses to listen on, ';'-separated; anything but loopback needs a token",
            DefaultValueFactory = _ => TrackingServerOptions.DefaultUrls,
        };
        var token = new Option<string?>("--token")
        {
            Description = $"Bearer token every request must carry (default: ${TrackingServerOptions.TokenEnvironmentVariable})",
        };
        var artifacts = new Option<string?>("--artifact-root") { Description = "Folder of artifact files (default: beside a SQLite store)" };
        var command = new Command("ui", "Serve the tracking API (MLflow REST 2.0) and the dashboard") { tracking, urls, token, artifacts };
        command.SetAction((parsed, cancellationToken) => RunAsync(
            new TrackingServerOptions
            {
                TrackingUri = parsed.GetRequiredValue(tracking),
                Urls = parsed.GetRequiredValue(urls),
                Token = parsed.GetValue(token) ?? NullIfEmpty(Environment.GetEnvironmentVariable(TrackingServerOptions.TokenEnvironmentVariable)),
                ArtifactRoot = parsed.GetValue(artifacts),
            },
            stdout,
            stderr,
            cancellationToken));
        return command;
    }

    internal static async Task<int> RunAsync(TrackingServerOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        RunningTrackingServer server;
        try
        {
            server = await TrackingServer.StartAsync(options, cancellationToken: cancellationToken);
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or IOException or DbException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"hq ui: {exception.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped (Ctrl+C) while still starting: nothing was served, nothing is left running.
            return ExitCodes.Success;
        }

        await using (server)
        {
            foreach (var address in server.Addresses)
            {
                await stdout.WriteLineAsync($"hq ui: dashboard and MLflow API on {address} (Ctrl+C to stop)");
            }

            try
            {
                await server.WaitForShutdownAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: the normal way to stop the server.
            }
        }

        return ExitCodes.Success;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
