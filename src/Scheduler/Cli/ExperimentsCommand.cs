using System.CommandLine;
using System.Data.Common;
using System.Text;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Export;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq experiments list | show NAME_OR_ID | export NAME_OR_ID</c>: reads what <c>hq tune</c> recorded (MLflow's
/// <c>mlflow experiments search</c> and <c>mlflow.search_runs</c> on the command line). Read-only: a missing SQLite
/// file is an error, not a new empty store.
/// </summary>
internal static class ExperimentsCommand
{
    private const string CsvFormat = "csv";
    private const string JsonFormat = "json";

    public static Command Create(TextWriter stdout, TextWriter stderr) =>
        new("experiments", "List, show and export the experiments of a tracking store")
        {
            CreateList(stdout, stderr),
            CreateShow(stdout, stderr),
            CreateExport(stdout, stderr),
        };

    private static Command CreateList(TextWriter stdout, TextWriter stderr)
    {
        var tracking = TrackingOption();
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table" };
        var command = new Command("list", "List the experiments of a tracking store, newest first") { tracking, json };
        command.SetAction((parsed, cancellationToken) =>
        {
            var uri = parsed.GetRequiredValue(tracking);
            return WithStoreAsync("list", uri, stderr, async (client, token) =>
            {
                var entries = await ExperimentListing.LoadAsync(client, token);
                await stdout.WriteAsync(parsed.GetValue(json)
                    ? ExperimentListing.ToJson(entries) + Environment.NewLine
                    : ExperimentListing.ToText(entries, DisplayName(uri)));
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    private static Command CreateShow(TextWriter stdout, TextWriter stderr)
    {
        var experiment = ExperimentArgument();
        var tracking = TrackingOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of text" };
        var command = new Command("show", "Show an experiment: status, parent runs, trials by status, best and top trials")
        {
            experiment, tracking, json,
        };
        command.SetAction((parsed, cancellationToken) =>
        {
            var nameOrId = parsed.GetRequiredValue(experiment);
            var uri = parsed.GetRequiredValue(tracking);
            return WithExperimentAsync("show", uri, nameOrId, stderr, async (client, found, token) =>
            {
                var report = await ExperimentReport.LoadAsync(client, found, token);
                await stdout.WriteAsync(parsed.GetValue(json) ? report.ToJson() + Environment.NewLine : report.ToText());
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    private static Command CreateExport(TextWriter stdout, TextWriter stderr)
    {
        var experiment = ExperimentArgument();
        var tracking = TrackingOption();
        var format = new Option<string>("--format")
        {
            Description = "csv: one row per trial (number, status, loss, one column per parameter); json: an array of trials",
            DefaultValueFactory = _ => CsvFormat,
        };
        format.AcceptOnlyFromAmong(CsvFormat, JsonFormat);
        var output = new Option<FileInfo?>("--output") { Description = "Write to this file instead of stdout" };
        var command = new Command("export", "Export an experiment's trials, one row per trial") { experiment, tracking, format, output };
        command.SetAction((parsed, cancellationToken) =>
        {
            var nameOrId = parsed.GetRequiredValue(experiment);
            var uri = parsed.GetRequiredValue(tracking);
            var file = parsed.GetValue(output);
            var asJson = parsed.GetRequiredValue(format) == JsonFormat;
            return WithExperimentAsync("export", uri, nameOrId, stderr, async (client, found, token) =>
            {
                var trials = await client.ListTrialsAsync(found.ExperimentId, cancellationToken: token);

                // The whole document is rendered before anything is written, so a failure never leaves half a file.
                var document = asJson ? await RenderJsonAsync(trials, token) : await RenderCsvAsync(trials, token);
                if (file is null)
                {
                    await stdout.WriteAsync(document);
                    return ExitCodes.Success;
                }

                try
                {
                    await File.WriteAllTextAsync(file.FullName, document, token);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    await stderr.WriteLineAsync($"hq experiments export: --output '{file.FullName}' cannot be written: {exception.Message}");
                    return ExitCodes.BadInput;
                }

                var count = trials.Count == 1 ? "1 trial" : $"{trials.Count} trials";
                await stderr.WriteLineAsync($"hq experiments export: {count} of '{found.Name}' written to {file.FullName}");
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    private static Option<string> TrackingOption() => new("--tracking")
    {
        Description = $"Tracking URI: sqlite:PATH, postgres://user:pass@host:port/db or Host=... (default: {TuneRunner.DefaultTrackingUri})",
        DefaultValueFactory = _ => TuneRunner.DefaultTrackingUri,
    };

    private static Argument<string> ExperimentArgument() => new("NAME_OR_ID") { Description = "The experiment's name or id" };

    private static async Task<string> RenderCsvAsync(IReadOnlyList<TrialRecord> trials, CancellationToken cancellationToken)
    {
        await using var csv = new StringWriter();
        await TrialExport.WriteCsvAsync(trials, csv, cancellationToken);
        return csv.ToString();
    }

    private static async Task<string> RenderJsonAsync(IReadOnlyList<TrialRecord> trials, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await TrialExport.WriteJsonAsync(trials, buffer, cancellationToken);
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the experiment named or identified by <paramref name="nameOrId"/>; exit 2 naming
    /// it when there is none.
    /// </summary>
    private static Task<int> WithExperimentAsync(
        string subcommand,
        string trackingUri,
        string nameOrId,
        TextWriter stderr,
        Func<TrackingClient, Experiment, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken) =>
        WithStoreAsync(subcommand, trackingUri, stderr, async (client, token) =>
        {
            if (await client.FindExperimentAsync(nameOrId, token) is not { } experiment)
            {
                await stderr.WriteLineAsync(
                    $"hq experiments {subcommand}: no experiment named or with id '{nameOrId}' in the {DisplayName(trackingUri)}; "
                    + "'hq experiments list' shows them");
                return ExitCodes.BadInput;
            }

            return await body(client, experiment, token);
        }, cancellationToken);

    /// <summary>Opens the store, runs <paramref name="body"/>, and turns a store that cannot be read into exit 2 with the reason.</summary>
    private static async Task<int> WithStoreAsync(
        string subcommand,
        string trackingUri,
        TextWriter stderr,
        Func<TrackingClient, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        if (MissingSqliteFile(trackingUri) is { } missing)
        {
            await stderr.WriteLineAsync(
                $"hq experiments {subcommand}: --tracking '{trackingUri}': no tracking store at {missing} (run 'hq tune' first, or pass --tracking)");
            return ExitCodes.BadInput;
        }

        TrackingClient client;
        try
        {
            client = TrackingClient.Create(trackingUri);
        }
        catch (Exception exception) when (exception is FormatException or NotSupportedException)
        {
            // The message names the URI (password hidden) and lists the accepted forms.
            await stderr.WriteLineAsync($"hq experiments {subcommand}: --tracking: {exception.Message}");
            return ExitCodes.BadInput;
        }

        await using (client)
        {
            try
            {
                return await body(client, cancellationToken);
            }
            catch (Exception exception) when (exception is DbException or IOException or UnauthorizedAccessException or TimeoutException
                or InvalidOperationException)
            {
                // InvalidOperationException: a store written by a newer HyperQueue (its schema version is ahead of ours).
                await stderr.WriteLineAsync($"hq experiments {subcommand}: cannot read the {DisplayName(trackingUri)}: {exception.Message}");
                return ExitCodes.BadInput;
            }
        }
    }

    /// <summary>
    /// The full path of a <c>sqlite:</c> store whose file does not exist, else null. Opening it would create an empty
    /// store, which for a read-only command only hides a wrong path.
    /// </summary>
    private static string? MissingSqliteFile(string trackingUri)
    {
        var text = trackingUri.Trim();
        if (!text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        // The spellings TrackingClient accepts: sqlite:path, and MLflow's sqlite:///path.
        var path = text["sqlite:".Length..];
        if (path.StartsWith("///", StringComparison.Ordinal))
        {
            path = path[3..];
        }

        if (path.Length == 0 || path.Contains(';', StringComparison.Ordinal))
        {
            return null;
        }

        var fullPath = Path.GetFullPath(path);
        return File.Exists(fullPath) ? null : fullPath;
    }

    /// <summary>The store for messages: a SQLite URI as given; a Postgres URI is not echoed because it may carry a password.</summary>
    private static string DisplayName(string trackingUri) =>
        trackingUri.TrimStart().StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase)
            ? $"tracking store '{trackingUri}'"
            : "Postgres tracking store given by --tracking";
}
