using System.Text.Json.Nodes;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Service;

/// <summary>MLflow's REST JSON shapes (<c>Experiment</c>, <c>RunInfo</c>, <c>RunData</c>, <c>Metric</c>); times in epoch milliseconds.</summary>
internal static class MlflowJson
{
    public static JsonObject Experiment(Experiment experiment) => new()
    {
        ["experiment_id"] = experiment.ExperimentId,
        ["name"] = experiment.Name,
        ["artifact_location"] = experiment.ArtifactLocation,
        ["lifecycle_stage"] = "active",
        ["creation_time"] = experiment.CreationTime.ToUnixTimeMilliseconds(),
        ["last_update_time"] = experiment.CreationTime.ToUnixTimeMilliseconds(),
        ["tags"] = new JsonArray(),
    };

    public static JsonObject RunInfo(RunInfo info)
    {
        var json = new JsonObject
        {
            ["run_id"] = info.RunId,
            ["run_uuid"] = info.RunId,
            ["run_name"] = info.RunName ?? string.Empty,
            ["experiment_id"] = info.ExperimentId,
            ["user_id"] = string.Empty,
            ["status"] = Status(info.Status),
            ["start_time"] = info.StartTime.ToUnixTimeMilliseconds(),
            ["artifact_uri"] = info.ArtifactUri,
            ["lifecycle_stage"] = "active",
        };
        if (info.EndTime is { } end)
        {
            json["end_time"] = end.ToUnixTimeMilliseconds();
        }

        return json;
    }

    public static JsonObject Run(Run run) => new()
    {
        ["info"] = RunInfo(run.Info),
        ["data"] = new JsonObject
        {
            ["metrics"] = new JsonArray([.. run.Metrics.Values.OrderBy(metric => metric.Key, StringComparer.Ordinal).Select(Metric)]),
            ["params"] = KeyValues(run.Params),
            ["tags"] = KeyValues(run.Tags),
        },
        ["inputs"] = new JsonObject(),
    };

    public static JsonObject Metric(Metric metric) => new()
    {
        ["key"] = metric.Key,
        ["value"] = Number(metric.Value),
        ["timestamp"] = metric.Timestamp.ToUnixTimeMilliseconds(),
        ["step"] = metric.Step,
    };

    public static string Status(RunStatus status) => status.ToString().ToUpperInvariant();

    public static RunStatus ParseStatus(string text) => text switch
    {
        "RUNNING" => RunStatus.Running,
        "FINISHED" => RunStatus.Finished,
        "FAILED" => RunStatus.Failed,
        "KILLED" => RunStatus.Killed,
        _ => throw MlflowApiException.Invalid($"status '{text}' is not a run status; use RUNNING, FINISHED, FAILED or KILLED"),
    };

    /// <summary>JSON has no NaN or infinity: they are written as the strings MLflow's Python server writes and reads.</summary>
    public static JsonNode Number(double value) => value switch
    {
        double.NaN => JsonValue.Create("NaN"),
        double.PositiveInfinity => JsonValue.Create("Infinity"),
        double.NegativeInfinity => JsonValue.Create("-Infinity"),
        _ => JsonValue.Create(value),
    };

    private static JsonArray KeyValues(IReadOnlyDictionary<string, string> pairs) =>
        new([.. pairs.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => new JsonObject { ["key"] = pair.Key, ["value"] = pair.Value })]);
}
