using System.Globalization;
using System.Text;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Export;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Scheduler.Cli;

/// <summary><c>hq experiments list</c>: every experiment of a store, newest first (MLflow's <c>search_experiments</c>).</summary>
internal static class ExperimentListing
{
    public static async Task<IReadOnlyList<ExperimentListEntry>> LoadAsync(TrackingClient client, CancellationToken cancellationToken)
    {
        var entries = new List<ExperimentListEntry>();
        string? pageToken = null;
        do
        {
            var page = await client.SearchExperimentsAsync(RunSearch.MaxPageSize, pageToken, cancellationToken);
            foreach (var experiment in page.Items)
            {
                var trials = await client.ListTrialsAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
                entries.Add(new ExperimentListEntry(experiment, ExperimentSummary.From(trials, top: 0)));
            }

            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        return entries;
    }

    /// <summary>A table, or a line saying the store (<paramref name="storeName"/>, as people should see it) has none.</summary>
    public static string ToText(IReadOnlyList<ExperimentListEntry> entries, string storeName)
    {
        if (entries.Count == 0)
        {
            return $"No experiments in the {storeName}{Environment.NewLine}";
        }

        var table = new TextTable("ID", "NAME", "CREATED", "TRIALS", "OK", "BEST LOSS");
        foreach (var (experiment, summary) in entries)
        {
            table.AddRow(
                experiment.ExperimentId,
                experiment.Name,
                TextFormat.Time(experiment.CreationTime),
                summary.Total.ToString(CultureInfo.InvariantCulture),
                summary.Ok.ToString(CultureInfo.InvariantCulture),
                TextFormat.Loss(summary.Best?.Loss));
        }

        var output = new StringBuilder();
        table.AppendTo(output);
        return output.ToString();
    }

    /// <summary>A JSON array of <c>{experimentId, name, creationTime, trials, ok, bestLoss}</c>.</summary>
    public static string ToJson(IReadOnlyList<ExperimentListEntry> entries) => CliJson.Render(json =>
    {
        json.WriteStartArray();
        foreach (var (experiment, summary) in entries)
        {
            json.WriteStartObject();
            json.WriteString("experimentId", experiment.ExperimentId);
            json.WriteString("name", experiment.Name);
            CliJson.WriteTime(json, "creationTime", experiment.CreationTime);
            json.WriteNumber("trials", summary.Total);
            json.WriteNumber("ok", summary.Ok);
            CliJson.WriteLoss(json, "bestLoss", summary.Best?.Loss);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });
}
