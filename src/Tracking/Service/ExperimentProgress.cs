using System.Globalization;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Export;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// How far an experiment is: trials done of planned (the largest <c>max_evals</c> param of its parent runs, since
/// hyperopt's max_evals counts every trial in the store; a second fmin call in the same run logs it as
/// <c>max_evals_&lt;uuid&gt;</c>), running trials, the best ok trial and the run status.
/// </summary>
internal sealed record ExperimentProgress(
    Experiment Experiment,
    IReadOnlyList<RunInfo> ParentRuns,
    IReadOnlyList<TrialRecord> Trials,
    int Done,
    int Running,
    int? Planned,
    TrialRecord? Best,
    RunStatus? Status,
    DateTimeOffset Started)
{
    /// <summary>The parent-run param fmin logs the planned trial count under (hyperopt's name).</summary>
    public const string PlannedParam = "max_evals";

    public bool IsRunning => Status == RunStatus.Running;

    public static async Task<ExperimentProgress> LoadAsync(TrackingClient client, Experiment experiment, CancellationToken cancellationToken)
    {
        var runs = new List<RunInfo>();
        string? pageToken = null;
        do
        {
            var page = await client.SearchRunsAsync(new RunSearch { ExperimentId = experiment.ExperimentId, PageToken = pageToken }, cancellationToken);
            runs.AddRange(page.Items);
            pageToken = page.NextPageToken;
        }
        while (pageToken is not null);

        var parents = runs.Where(run => run.ParentRunId is null).OrderBy(run => run.StartTime).ToList();
        var trials = await client.ListTrialsAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
        int? planned = null;
        foreach (var parent in parents)
        {
            var run = await client.GetRunAsync(parent.RunId, cancellationToken);
            foreach (var (name, text) in run?.Params ?? new Dictionary<string, string>())
            {
                if ((name == PlannedParam || name.StartsWith(PlannedParam + "_", StringComparison.Ordinal))
                    && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                {
                    planned = Math.Max(planned ?? 0, value);
                }
            }
        }

        var summary = ExperimentSummary.From(trials, top: 1);
        var latest = parents.Count > 0 ? parents : runs.OrderBy(run => run.StartTime).ToList();
        RunStatus? status = latest.Any(run => run.Status == RunStatus.Running) ? RunStatus.Running : latest.LastOrDefault()?.Status;
        return new ExperimentProgress(
            experiment,
            parents,
            trials,
            trials.Count(trial => trial.Status is not null),
            trials.Count(trial => trial.State == TrialState.Running),
            planned,
            summary.Best,
            status,
            latest.FirstOrDefault()?.StartTime ?? experiment.CreationTime);
    }

    public static string StatusText(TrialRecord trial) => trial.Status switch
    {
        TrialStatus.Ok => "ok",
        TrialStatus.Fail => "fail",
        TrialStatus.Cancelled => "cancelled",
        _ => trial.State.ToString().ToLowerInvariant(),
    };
}
