using System.Text.Json;
using System.Text.Json.Nodes;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Trials;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// What MLflow's API has no words for, under <c>/api/hq/</c>: an experiment's progress (trials done of planned, best
/// loss) and the trial records of a parent run with hyperopt's raw <c>misc.vals</c>.
/// </summary>
internal static class HyperQueueApi
{
    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/hq/experiments/{experimentId}/progress", ProgressAsync);
        routes.MapGet("/api/hq/runs/{runId}/trials", TrialsAsync);
    }

    private static async Task<IResult> ProgressAsync(string experimentId, TrackingClient client, CancellationToken cancellationToken)
    {
        var experiment = await client.GetExperimentAsync(experimentId, cancellationToken)
            ?? throw MlflowApiException.NotFound($"no experiment with id '{experimentId}'");
        var progress = await ExperimentProgress.LoadAsync(client, experiment, cancellationToken);
        var json = new JsonObject
        {
            ["experiment_id"] = experiment.ExperimentId,
            ["name"] = experiment.Name,
            ["status"] = progress.Status is { } status ? MlflowJson.Status(status) : null,
            ["trials_total"] = progress.Trials.Count,
            ["trials_done"] = progress.Done,
            ["trials_running"] = progress.Running,
            ["trials_planned"] = progress.Planned,
            ["best_loss"] = progress.Best?.Loss is { } loss ? MlflowJson.Number(loss) : null,
            ["best_trial_number"] = progress.Best?.Number,
            ["best_run_id"] = progress.Best?.RunId,
            ["start_time"] = progress.Started.ToUnixTimeMilliseconds(),
        };
        return Results.Content(json.ToJsonString(), "application/json");
    }

    private static async Task<IResult> TrialsAsync(string runId, TrackingClient client, CancellationToken cancellationToken)
    {
        var run = await client.GetRunAsync(runId, cancellationToken)
            ?? throw MlflowApiException.NotFound($"run with id '{runId}' not found");
        var trials = await client.ListTrialsAsync(run.Info.ExperimentId, runId, cancellationToken);
        var json = new JsonObject { ["parent_run_id"] = runId, ["trials"] = new JsonArray([.. trials.Select(Trial)]) };
        return Results.Content(json.ToJsonString(), "application/json");
    }

    private static JsonObject Trial(TrialRecord trial)
    {
        var vals = new JsonObject();
        foreach (var (label, value) in trial.RawValues.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            // hyperopt's misc.vals: a list with the value, empty when the label is inactive in this trial.
            vals[label] = value is { } number ? new JsonArray(MlflowJson.Number(number)) : new JsonArray();
        }

        return new JsonObject
        {
            ["trial_id"] = trial.TrialId.ToString("D"),
            ["number"] = trial.Number,
            ["run_id"] = trial.RunId,
            ["state"] = trial.State.ToString().ToUpperInvariant(),
            ["status"] = trial.Status is null ? null : ExperimentProgress.StatusText(trial),
            ["loss"] = trial.Loss is { } loss ? MlflowJson.Number(loss) : null,
            ["loss_variance"] = trial.LossVariance is { } variance ? MlflowJson.Number(variance) : null,
            ["vals"] = vals,
            ["params"] = trial.Parameters.ValueKind == JsonValueKind.Undefined ? null : JsonNode.Parse(trial.Parameters.GetRawText()),
            ["attempts"] = trial.Attempts,
            ["worker_id"] = trial.WorkerId,
            ["error_type"] = trial.ErrorType,
            ["error_message"] = trial.ErrorMessage,
            ["start_time"] = trial.StartedAt?.ToUnixTimeMilliseconds(),
            ["end_time"] = trial.EndedAt?.ToUnixTimeMilliseconds(),
        };
    }
}
