using System.Globalization;
using System.Text;
using System.Text.Json;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Export;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq experiments show</c>: an experiment's status, its parent runs, its trials by status, the best trial
/// (hyperopt's <c>Trials.best_trial</c>) with its parameters, and the top trials by loss.
/// </summary>
internal sealed record ExperimentReport(
    Experiment Experiment,
    RunStatus? Status,
    IReadOnlyList<ParentRunSummary> ParentRuns,
    ExperimentSummary Summary)
{
    /// <summary>How many of the lowest-loss trials the report lists.</summary>
    public const int TopTrials = 5;

    public static async Task<ExperimentReport> LoadAsync(TrackingClient client, Experiment experiment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(experiment);
        var trials = await client.ListTrialsAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
        var runs = await ListRunsAsync(client, experiment.ExperimentId, cancellationToken);

        // A parent is a top-level run, or any run that trials name as theirs (fmin inside a user's nested active run).
        var trialsByParent = trials
            .Where(trial => trial.ParentRunId is not null)
            .GroupBy(trial => trial.ParentRunId!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal);
        var parentRuns = new List<ParentRunSummary>();
        foreach (var run in runs.Where(run => run.ParentRunId is null || trialsByParent.ContainsKey(run.RunId)).OrderBy(run => run.StartTime))
        {
            var tags = (await client.GetRunAsync(run.RunId, cancellationToken))?.Tags ?? new Dictionary<string, string>();
            parentRuns.Add(new ParentRunSummary(
                run,
                trialsByParent.GetValueOrDefault(run.RunId),
                tags.GetValueOrDefault(AutologObserver.StopReasonTag),
                tags.GetValueOrDefault(AutologObserver.ErrorTag)));
        }

        return new ExperimentReport(experiment, StatusOf(parentRuns), parentRuns, ExperimentSummary.From(trials, TopTrials));
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Experiment '{Experiment.Name}' ({Experiment.ExperimentId})");
        text.AppendLine(CultureInfo.InvariantCulture, $"Created: {TextFormat.Time(Experiment.CreationTime)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Status: {StatusName(Status) ?? "no runs"}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Trials: {Summary.Total} ({Summary.Ok} ok, {Summary.Failed} failed, {Summary.Cancelled} cancelled, {Summary.Unfinished} unfinished)");
        if (Summary.Best is { } best)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Best loss: {TextFormat.Loss(best.Loss)} (trial {best.Number}, run {best.RunId})");
            text.AppendLine("Best parameters:");
            foreach (var (key, value) in ParamValue.Flatten(best.Parameters))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {key} = {value}");
            }
        }
        else
        {
            text.AppendLine("Best loss: none (no trial finished ok)");
        }

        if (ParentRuns.Count > 0)
        {
            var runs = new TextTable("RUN ID", "NAME", "STATUS", "STARTED", "ENDED", "TRIALS", "STOP REASON");
            foreach (var parent in ParentRuns)
            {
                runs.AddRow(
                    parent.Info.RunId,
                    parent.Info.RunName ?? "-",
                    StatusName(parent.Info.Status)!,
                    TextFormat.Time(parent.Info.StartTime),
                    TextFormat.Time(parent.Info.EndTime),
                    parent.Trials.ToString(CultureInfo.InvariantCulture),
                    parent.StopReason ?? parent.Error ?? "-");
            }

            text.AppendLine("Parent runs:");
            runs.AppendTo(text, "  ");
        }

        if (Summary.Top.Count > 0)
        {
            var top = new TextTable("TRIAL", "LOSS", "RUN ID", "PARAMETERS");
            foreach (var trial in Summary.Top)
            {
                top.AddRow(
                    trial.Number.ToString(CultureInfo.InvariantCulture),
                    TextFormat.Loss(trial.Loss),
                    trial.RunId,
                    string.Join(", ", ParamValue.Flatten(trial.Parameters).Select(pair => $"{pair.Key}={pair.Value}")));
            }

            text.AppendLine("Top trials:");
            top.AppendTo(text, "  ");
        }

        return text.ToString();
    }

    /// <summary>
    /// <c>{experimentId, name, creationTime, status, counts, best, parentRuns, top}</c>; <c>counts</c> and <c>best</c>
    /// use the names of <c>hq tune --json</c>.
    /// </summary>
    public string ToJson() => CliJson.Render(json =>
    {
        json.WriteStartObject();
        json.WriteString("experimentId", Experiment.ExperimentId);
        json.WriteString("name", Experiment.Name);
        CliJson.WriteTime(json, "creationTime", Experiment.CreationTime);
        json.WriteString("status", StatusName(Status));

        json.WriteStartObject("counts");
        json.WriteNumber("total", Summary.Total);
        json.WriteNumber("ok", Summary.Ok);
        json.WriteNumber("fail", Summary.Failed);
        json.WriteNumber("cancelled", Summary.Cancelled);
        json.WriteNumber("unfinished", Summary.Unfinished);
        json.WriteEndObject();

        if (Summary.Best is { } best)
        {
            json.WritePropertyName("best");
            WriteTrial(json, best, withArgmin: true);
        }
        else
        {
            json.WriteNull("best");
        }

        json.WriteStartArray("parentRuns");
        foreach (var parent in ParentRuns)
        {
            json.WriteStartObject();
            json.WriteString("runId", parent.Info.RunId);
            json.WriteString("name", parent.Info.RunName);
            json.WriteString("status", StatusName(parent.Info.Status));
            CliJson.WriteTime(json, "startTime", parent.Info.StartTime);
            CliJson.WriteTime(json, "endTime", parent.Info.EndTime);
            json.WriteNumber("trials", parent.Trials);
            json.WriteString("stopReason", parent.StopReason);
            json.WriteString("error", parent.Error);
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("top");
        foreach (var trial in Summary.Top)
        {
            WriteTrial(json, trial, withArgmin: false);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>RUNNING while any parent run is; otherwise the status of the latest one; null when there is none.</summary>
    private static RunStatus? StatusOf(List<ParentRunSummary> parentRuns) =>
        parentRuns.Any(parent => parent.Info.Status == RunStatus.Running)
            ? RunStatus.Running
            : parentRuns.Count > 0 ? parentRuns[^1].Info.Status : null;

    /// <summary>MLflow's spelling of a run status, as the store keeps it: FINISHED, FAILED, KILLED, RUNNING.</summary>
    private static string? StatusName(RunStatus? status) => status?.ToString().ToUpperInvariant();

    private static async Task<IReadOnlyList<RunInfo>> ListRunsAsync(TrackingClient client, string experimentId, CancellationToken cancellationToken)
    {
        var runs = new List<RunInfo>();
        string? pageToken = null;
        do
        {
            var page = await client.SearchRunsAsync(new RunSearch { ExperimentId = experimentId, PageToken = pageToken }, cancellationToken);
            runs.AddRange(page.Items);
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        return runs;
    }

    private static void WriteTrial(Utf8JsonWriter json, TrialRecord trial, bool withArgmin)
    {
        json.WriteStartObject();
        json.WriteNumber("number", trial.Number);
        json.WriteString("runId", trial.RunId);
        CliJson.WriteLoss(json, "loss", trial.Loss);
        json.WritePropertyName("params");
        if (trial.Parameters.ValueKind == JsonValueKind.Undefined)
        {
            json.WriteNullValue();
        }
        else
        {
            trial.Parameters.WriteTo(json);
        }

        if (withArgmin)
        {
            // hyperopt's argmin: the raw assignment (choice = index) of the labels active in the best trial.
            json.WriteStartObject("argmin");
            foreach (var (label, value) in trial.RawValues)
            {
                if (value is { } raw)
                {
                    json.WriteNumber(label, raw);
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
