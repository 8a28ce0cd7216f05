using System.Globalization;
using System.Text;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using static HyperQueue.Tracking.Service.Dashboard.HtmlPage;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>The dashboard's server-rendered pages: experiments, one experiment with its trials and charts, one run.</summary>
internal static class DashboardPages
{
    private const string RunLinkPrefix = "/runs/";

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", ExperimentsAsync);
        routes.MapGet("/experiments/{experimentId}", ExperimentAsync);
        routes.MapGet("/runs/{runId}", RunAsync);
        routes.MapGet("/runs/{runId}/artifacts/{**path}", ArtifactDownload.DownloadAsync);
    }

    private static async Task<IResult> ExperimentsAsync(TrackingClient client, TrackingServerOptions options, CancellationToken cancellationToken)
    {
        var experiments = new List<Experiment>();
        string? pageToken = null;
        do
        {
            var page = await client.SearchExperimentsAsync(pageToken: pageToken, cancellationToken: cancellationToken);
            experiments.AddRange(page.Items);
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        var rows = new StringBuilder();
        var anyRunning = false;
        foreach (var experiment in experiments)
        {
            var progress = await ExperimentProgress.LoadAsync(client, experiment, cancellationToken);
            anyRunning |= progress.IsRunning;
            var status = progress.Status is { } runStatus ? Badge(MlflowJson.Status(runStatus)) : "<span class=\"muted\">no runs</span>";
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr><td data-value="{E(experiment.Name)}"><a href="/experiments/{Uri.EscapeDataString(experiment.ExperimentId)}">{E(experiment.Name)}</a></td>
                <td data-value="{E(progress.Status?.ToString())}">{status}</td>
                <td class="num" data-value="{(progress.Best?.Loss is { } best ? Invariant(best) : string.Empty)}">{Loss(progress.Best?.Loss)}</td>
                <td data-value="{progress.Done}">{ProgressBar(progress)}</td>
                <td data-value="{progress.Started.ToUnixTimeMilliseconds()}">{Time(progress.Started)}</td></tr>
                """);
        }

        var body = experiments.Count == 0
            ? "<h1>Experiments</h1><div class=\"card empty\">No experiments yet. Run <code>hq tune spec.json</code> with this store as its tracking URI.</div>"
            : $"""
                <h1>Experiments</h1><div class="sub">{experiments.Count} experiment(s), newest first</div>
                <div class="card scroll"><table class="sortable" id="experiments"><thead><tr>
                <th class="sortable">Name</th><th class="sortable">Status</th><th class="sortable">Best loss</th>
                <th class="sortable">Trials done / planned</th><th class="sortable">Started</th></tr></thead>
                <tbody>{rows}</tbody></table></div>
                """;
        return Page(Render("Experiments", string.Empty, body, anyRunning ? options.RefreshSeconds : null));
    }

    private static async Task<IResult> ExperimentAsync(string experimentId, TrackingClient client, TrackingServerOptions options, CancellationToken cancellationToken)
    {
        var experiment = await client.GetExperimentAsync(experimentId, cancellationToken);
        if (experiment is null)
        {
            return NotFound($"There is no experiment with id '{experimentId}'.");
        }

        var progress = await ExperimentProgress.LoadAsync(client, experiment, cancellationToken);
        var trials = TrialView.From(progress.Trials);
        var names = TrialView.ParameterNames(trials);
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <h1>{E(experiment.Name)} {(progress.Status is { } status ? Badge(MlflowJson.Status(status)) : string.Empty)}</h1>
            <div class="sub">experiment {E(experiment.ExperimentId)} · started {Time(progress.Started)}{(progress.IsRunning ? " · refreshing every " + options.RefreshSeconds.ToString(CultureInfo.InvariantCulture) + " s" : string.Empty)}</div>
            <div class="stats">
            <div class="stat"><div class="label">Best loss</div><div class="value" id="best-loss">{Loss(progress.Best?.Loss)}</div></div>
            <div class="stat"><div class="label">Best trial</div><div class="value">{(progress.Best is { } best ? $"<a href=\"{RunLinkPrefix}{Uri.EscapeDataString(best.RunId)}\">#{best.Number}</a>" : "—")}</div></div>
            <div class="stat"><div class="label">Trials done / planned</div><div class="value">{progress.Done} / {(progress.Planned?.ToString(CultureInfo.InvariantCulture) ?? "?")}</div>{ProgressBar(progress, withText: false)}</div>
            <div class="stat"><div class="label">Running · failed</div><div class="value">{progress.Running} · {progress.Trials.Count(trial => trial.Status is TrialStatus.Fail)}</div></div>
            </div>
            """);

        if (trials.Count == 0)
        {
            body.Append("<div class=\"card empty\">No trials recorded yet.</div>");
        }
        else
        {
            body.Append(CultureInfo.InvariantCulture, $"""
                <div class="card"><h2>Loss per trial</h2>{ExperimentCharts.LossPerTrial(trials, RunLinkPrefix)}
                <div class="legend">Each dot is a trial (click to open its run; darker blue = lower loss); the dashed line is the best loss so far; red dots on top are failed or cancelled trials.</div></div>
                """);
            if (names.Count > 0)
            {
                body.Append("<h2>Loss against each parameter</h2><div class=\"grid\">");
                foreach (var name in names)
                {
                    body.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><h2>{E(name)}</h2>{ExperimentCharts.LossVersusParameter(trials, name)}</div>");
                }

                body.Append("</div><br>");
                body.Append(CultureInfo.InvariantCulture, $"""
                    <div class="card"><h2>Parallel coordinates</h2>{ExperimentCharts.ParallelCoordinates(trials, names)}
                    <div class="legend">One line per ok trial across every parameter and the loss; the best trial is drawn bold.</div></div>
                    """);
            }

            body.Append(TrialsTable(trials, names, progress.Best?.TrialId));
        }

        body.Append(ParentRunsTable(progress.ParentRuns));
        var crumbs = $"/ {E(experiment.Name)}";
        return Page(Render(experiment.Name, crumbs, body.ToString(), progress.IsRunning ? options.RefreshSeconds : null));
    }

    private static async Task<IResult> RunAsync(string runId, TrackingClient client, TrackingServerOptions options, CancellationToken cancellationToken)
    {
        var run = await client.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            return NotFound($"There is no run with id '{runId}'.");
        }

        var experiment = await client.GetExperimentAsync(run.Info.ExperimentId, cancellationToken);
        var artifacts = await client.ListArtifactsAsync(runId, cancellationToken);
        var info = run.Info;
        var name = info.RunName ?? info.RunId;
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"""
            <h1>{E(name)} {Badge(MlflowJson.Status(info.Status))}</h1>
            <div class="sub">run {E(info.RunId)}{(info.ParentRunId is { } parent ? $" · child of <a href=\"{RunLinkPrefix}{Uri.EscapeDataString(parent)}\" id=\"parent-link\">{E(parent)}</a>" : string.Empty)}</div>
            <div class="stats">
            <div class="stat"><div class="label">Started</div><div class="value" style="font-size:15px">{Time(info.StartTime)}</div></div>
            <div class="stat"><div class="label">Ended</div><div class="value" style="font-size:15px">{Time(info.EndTime)}</div></div>
            <div class="stat"><div class="label">Duration</div><div class="value">{Duration(info.EndTime - info.StartTime)}</div></div>
            <div class="stat"><div class="label">Loss</div><div class="value" id="run-loss">{(run.Metrics.TryGetValue("loss", out var loss) ? Loss(loss.Value) : "—")}</div></div>
            </div>
            """);

        if (run.Metrics.Count > 0)
        {
            // A metric logged once is a number, not a curve: it gets a tile; a history gets a chart.
            var charts = new StringBuilder();
            var tiles = new StringBuilder();
            foreach (var key in run.Metrics.Keys.Order(StringComparer.Ordinal))
            {
                var history = await client.GetMetricHistoryAsync(runId, key, cancellationToken);
                if (history.Count > 1)
                {
                    charts.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><h2>{E(key)} <span class=\"muted\">latest {Loss(run.Metrics[key].Value)} · {history.Count} values</span></h2>{MetricChart.Render(key, history)}</div>");
                }
                else if (key != "loss")
                {
                    // The loss of a single trial is already in the header.
                    tiles.Append(CultureInfo.InvariantCulture, $"<div class=\"stat metric-tile\"><div class=\"label\">{E(key)}</div><div class=\"value\">{Loss(run.Metrics[key].Value)}</div></div>");
                }
            }

            body.Append("<h2>Metrics</h2>");
            if (tiles.Length > 0)
            {
                body.Append(CultureInfo.InvariantCulture, $"<div class=\"tiles\">{tiles}</div>");
            }

            if (charts.Length > 0)
            {
                body.Append(CultureInfo.InvariantCulture, $"<div class=\"grid wide\">{charts}</div><br>");
            }
        }

        body.Append("<div class=\"grid\">");
        if (info.ParentRunId is not null
            && (await client.ListTrialsAsync(info.ExperimentId, info.ParentRunId, cancellationToken)).FirstOrDefault(trial => trial.RunId == runId) is { } record)
        {
            body.Append(KeyValueCard("Trial", "trial", TrialFacts(record)));
        }

        body.Append(KeyValueCard("Parameters", "params", run.Params));
        body.Append(KeyValueCard("Tags", "tags", run.Tags));
        body.Append("<div class=\"card\"><h2>Artifacts</h2>");
        if (artifacts.Count == 0)
        {
            body.Append("<div class=\"empty\">No artifacts.</div>");
        }
        else
        {
            body.Append("<ul id=\"artifacts\">");
            foreach (var artifact in artifacts)
            {
                var href = $"{RunLinkPrefix}{Uri.EscapeDataString(runId)}/artifacts/{string.Join('/', artifact.Split('/').Select(Uri.EscapeDataString))}";
                body.Append(CultureInfo.InvariantCulture, $"<li><a href=\"{E(href)}\" download>{E(artifact)}</a></li>");
            }

            body.Append("</ul>");
        }

        body.Append("</div></div>");
        body.Append(await ChildRunsAsync(client, run.Info, cancellationToken));
        var crumbs = experiment is null
            ? $"/ {E(name)}"
            : $"/ <a href=\"/experiments/{Uri.EscapeDataString(experiment.ExperimentId)}\" id=\"experiment-link\">{E(experiment.Name)}</a> / {E(name)}";
        return Page(Render(name, crumbs, body.ToString(), info.Status == RunStatus.Running ? options.RefreshSeconds : null));
    }

    private static string TrialsTable(IReadOnlyList<TrialView> trials, IReadOnlyList<string> names, Guid? bestTrialId)
    {
        var table = new StringBuilder();
        table.Append("<div class=\"card\"><h2>Trials</h2><div class=\"scroll\"><table class=\"sortable\" id=\"trials\"><thead><tr>");
        table.Append("<th class=\"sortable\" aria-sort=\"ascending\">#</th><th class=\"sortable\">Status</th><th class=\"sortable\">Loss</th><th class=\"sortable\">Duration</th>");
        foreach (var name in names)
        {
            table.Append(CultureInfo.InvariantCulture, $"<th class=\"sortable\">{E(name)}</th>");
        }

        table.Append("<th class=\"sortable\">Worker</th></tr></thead><tbody>");
        foreach (var trial in trials)
        {
            var record = trial.Record;
            var href = RunLinkPrefix + Uri.EscapeDataString(record.RunId);
            table.Append(CultureInfo.InvariantCulture, $"""
                <tr class="{(record.TrialId == bestTrialId ? "best" : string.Empty)}" data-run="{E(record.RunId)}">
                <td class="num" data-value="{record.Number}"><a href="{href}">{record.Number}</a></td>
                <td data-value="{ExperimentProgress.StatusText(record)}" title="{E(record.ErrorMessage)}">{Badge(ExperimentProgress.StatusText(record))}</td>
                <td class="num" data-value="{(record.Loss is { } finite && double.IsFinite(finite) ? Invariant(finite) : string.Empty)}">{Loss(record.Loss)}</td>
                <td class="num" data-value="{(trial.Duration is { } duration ? Invariant(duration.TotalSeconds) : string.Empty)}">{Duration(trial.Duration)}</td>
                """);
            foreach (var name in names)
            {
                var value = trial.Params.GetValueOrDefault(name);
                table.Append(CultureInfo.InvariantCulture, $"<td data-value=\"{E(value)}\" title=\"{E(value)}\">{ParamCell(value)}</td>");
            }

            table.Append(CultureInfo.InvariantCulture, $"<td data-value=\"{E(record.WorkerId)}\">{E(record.WorkerId ?? "—")}</td></tr>");
        }

        table.Append("</tbody></table></div><div class=\"legend\">Click a column to sort; click a trial number to open its run.</div></div>");
        return table.ToString();
    }

    /// <summary>A parameter as the table shows it: long doubles to 6 significant digits (the full value is in the cell's title).</summary>
    private static string ParamCell(string? value)
    {
        if (value is null)
        {
            return "<span class=\"muted\">—</span>";
        }

        return TrialView.TryNumber(value, out var number) && value.Length > 8 && Math.Floor(number) != number
            ? number.ToString("G6", CultureInfo.InvariantCulture)
            : E(value);
    }

    /// <summary>The trial record of a child run, with hyperopt's raw <c>misc.vals</c> (choice = index).</summary>
    private static Dictionary<string, string> TrialFacts(TrialRecord trial)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["number"] = trial.Number.ToString(CultureInfo.InvariantCulture),
            ["state"] = ExperimentProgress.StatusText(trial),
            ["attempts"] = trial.Attempts.ToString(CultureInfo.InvariantCulture),
        };
        if (trial.WorkerId is not null)
        {
            facts["worker"] = trial.WorkerId;
        }

        if (trial.ErrorType is not null || trial.ErrorMessage is not null)
        {
            facts["error"] = $"{trial.ErrorType}: {trial.ErrorMessage}";
        }

        facts["raw vals"] = string.Join(", ", trial.RawValues.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{pair.Key}={(pair.Value is { } value ? value.ToString("G6", CultureInfo.InvariantCulture) : "inactive")}"));
        return facts;
    }

    private static string ParentRunsTable(IReadOnlyList<RunInfo> parents)
    {
        if (parents.Count == 0)
        {
            return string.Empty;
        }

        var rows = string.Concat(parents.Select(run =>
            $"<tr><td><a href=\"{RunLinkPrefix}{Uri.EscapeDataString(run.RunId)}\">{E(run.RunName ?? run.RunId)}</a></td><td>{Badge(MlflowJson.Status(run.Status))}</td><td>{Time(run.StartTime)}</td><td>{Duration(run.EndTime - run.StartTime)}</td></tr>"));
        return $"<div class=\"card\"><h2>fmin runs</h2><table><thead><tr><th>Run</th><th>Status</th><th>Started</th><th>Duration</th></tr></thead><tbody>{rows}</tbody></table></div>";
    }

    private static async Task<string> ChildRunsAsync(TrackingClient client, RunInfo parent, CancellationToken cancellationToken)
    {
        var children = await client.SearchRunsAsync(
            new RunSearch { ExperimentId = parent.ExperimentId, ParentRunId = parent.RunId }, cancellationToken);
        if (children.Items.Count == 0)
        {
            return string.Empty;
        }

        var rows = string.Concat(children.Items.OrderBy(run => run.StartTime).Select(run =>
            $"<tr><td><a href=\"{RunLinkPrefix}{Uri.EscapeDataString(run.RunId)}\">{E(run.RunName ?? run.RunId)}</a></td><td>{Badge(MlflowJson.Status(run.Status))}</td><td>{Time(run.StartTime)}</td><td>{Duration(run.EndTime - run.StartTime)}</td></tr>"));
        return $"<br><div class=\"card\"><h2>Child runs</h2><div class=\"scroll\"><table><thead><tr><th>Run</th><th>Status</th><th>Started</th><th>Duration</th></tr></thead><tbody>{rows}</tbody></table></div></div>";
    }

    private static string KeyValueCard(string title, string id, IReadOnlyDictionary<string, string> pairs)
    {
        if (pairs.Count == 0)
        {
            return $"<div class=\"card\"><h2>{title}</h2><div class=\"empty\">None.</div></div>";
        }

        var rows = string.Concat(pairs.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"<tr><td>{E(pair.Key)}</td><td>{E(pair.Value)}</td></tr>"));
        return $"<div class=\"card\"><h2>{title}</h2><table class=\"kv\" id=\"{id}\"><tbody>{rows}</tbody></table></div>";
    }

    private static string ProgressBar(ExperimentProgress progress, bool withText = true)
    {
        var fraction = progress.Planned is > 0 and var planned ? Math.Min(1.0, (double)progress.Done / planned) : (progress.Done > 0 ? 1.0 : 0.0);
        var text = withText
            ? string.Create(CultureInfo.InvariantCulture, $" {progress.Done} / {(progress.Planned?.ToString(CultureInfo.InvariantCulture) ?? "?")}")
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"<span class=\"progress\"><span style=\"width:{fraction * 100:0.#}%\"></span></span>{text}");
    }

    private static IResult NotFound(string message) =>
        Results.Content(Render("Not found", string.Empty, $"<h1>Not found</h1><div class=\"card empty\">{E(message)}</div>", null), "text/html; charset=utf-8", Encoding.UTF8, StatusCodes.Status404NotFound);

    private static IResult Page(string html) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8);
}
