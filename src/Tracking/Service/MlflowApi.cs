using System.Text.Json;
using System.Text.Json.Nodes;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// MLflow REST API 2.0 (<c>/api/2.0/mlflow/...</c>) for the part that overlaps HyperQueue's model, so an MLflow client
/// whose tracking URI points here logs into HyperQueue runs. Same rules as the store: write-once params, MLflow's
/// key and value limits.
/// </summary>
internal static class MlflowApi
{
    private const string Prefix = "/api/2.0/mlflow";

    private static readonly string[] ReadMethods = ["GET", "POST"];

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost($"{Prefix}/experiments/create", CreateExperimentAsync);
        routes.MapMethods($"{Prefix}/experiments/get", ReadMethods, GetExperimentAsync);
        routes.MapMethods($"{Prefix}/experiments/get-by-name", ReadMethods, GetExperimentByNameAsync);
        routes.MapMethods($"{Prefix}/experiments/search", ReadMethods, SearchExperimentsAsync);
        routes.MapPost($"{Prefix}/runs/create", CreateRunAsync);
        routes.MapMethods($"{Prefix}/runs/get", ReadMethods, GetRunAsync);
        routes.MapPost($"{Prefix}/runs/update", UpdateRunAsync);
        routes.MapMethods($"{Prefix}/runs/search", ReadMethods, SearchRunsAsync);
        routes.MapPost($"{Prefix}/runs/log-metric", LogMetricAsync);
        routes.MapPost($"{Prefix}/runs/log-parameter", LogParameterAsync);
        routes.MapPost($"{Prefix}/runs/set-tag", SetTagAsync);
        routes.MapPost($"{Prefix}/runs/log-batch", LogBatchAsync);
        routes.MapMethods($"{Prefix}/metrics/get-history", ReadMethods, GetMetricHistoryAsync);
    }

    private static async Task<IResult> CreateExperimentAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var name = request.RequiredString("name");
        if (await client.GetExperimentByNameAsync(name, context.RequestAborted) is not null)
        {
            throw new MlflowApiException(MlflowErrorCode.ResourceAlreadyExists, $"experiment '{name}' already exists");
        }

        var experiment = await client.CreateExperimentAsync(name, context.RequestAborted);
        return Json(new JsonObject { ["experiment_id"] = experiment.ExperimentId });
    }

    private static async Task<IResult> GetExperimentAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var id = request.RequiredString("experiment_id");
        var experiment = await client.GetExperimentAsync(id, context.RequestAborted)
            ?? throw MlflowApiException.NotFound($"no experiment with id '{id}'");
        return Json(new JsonObject { ["experiment"] = MlflowJson.Experiment(experiment) });
    }

    private static async Task<IResult> GetExperimentByNameAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var name = request.RequiredString("experiment_name");
        var experiment = await client.GetExperimentByNameAsync(name, context.RequestAborted)
            ?? throw MlflowApiException.NotFound($"no experiment named '{name}'");
        return Json(new JsonObject { ["experiment"] = MlflowJson.Experiment(experiment) });
    }

    private static async Task<IResult> SearchExperimentsAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        if (!string.IsNullOrWhiteSpace(request.OptionalString("filter")))
        {
            throw MlflowApiException.Invalid($"filter '{request.OptionalString("filter")}' is not supported on experiments; search without a filter (newest first)");
        }

        var page = await client.SearchExperimentsAsync(
            PageSize(request, "max_results"), request.OptionalString("page_token"), context.RequestAborted);
        return Json(Paged("experiments", page.Items.Select(MlflowJson.Experiment), page.NextPageToken));
    }

    private static async Task<IResult> CreateRunAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var experimentId = request.RequiredString("experiment_id");
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in request.Array("tags"))
        {
            tags[MlflowRequest.ItemString("tags", item, "key")] = MlflowRequest.ItemString("tags", item, "value");
        }

        // MLflow clients nest a run by tagging it with its parent; the store links runs by that same tag.
        tags.TryGetValue(TrackingClient.ParentRunIdTag, out var parentRunId);
        var runName = request.OptionalString("run_name") ?? tags.GetValueOrDefault(TrackingClient.RunNameTag);
        if (await client.GetExperimentAsync(experimentId, context.RequestAborted) is null)
        {
            throw MlflowApiException.NotFound($"no experiment with id '{experimentId}'");
        }

        var info = await client.CreateRunAsync(experimentId, runName, parentRunId, tags, context.RequestAborted);
        var run = await client.GetRunAsync(info.RunId, context.RequestAborted);
        return Json(new JsonObject { ["run"] = MlflowJson.Run(run!) });
    }

    private static async Task<IResult> GetRunAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var run = await RequireRunAsync(client, RunId(request), context.RequestAborted);
        return Json(new JsonObject { ["run"] = MlflowJson.Run(run) });
    }

    private static async Task<IResult> UpdateRunAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var runId = RunId(request);
        var run = await RequireRunAsync(client, runId, context.RequestAborted);
        var runName = request.OptionalString("run_name");
        if (runName is not null && runName != (run.Info.RunName ?? string.Empty))
        {
            throw MlflowApiException.Invalid($"run '{runId}': run_name cannot change from '{run.Info.RunName}' to '{runName}'; HyperQueue run names are fixed at creation");
        }

        if (request.OptionalString("status") is { } statusText)
        {
            var status = MlflowJson.ParseStatus(statusText);
            if (status != RunStatus.Running)
            {
                await client.EndRunAsync(runId, status, context.RequestAborted);
            }
            else if (run.Info.Status != RunStatus.Running)
            {
                throw MlflowApiException.Invalid($"run '{runId}' is {MlflowJson.Status(run.Info.Status)}; an ended run cannot be set back to RUNNING");
            }
        }

        var updated = await RequireRunAsync(client, runId, context.RequestAborted);
        return Json(new JsonObject { ["run_info"] = MlflowJson.RunInfo(updated.Info) });
    }

    private static async Task<IResult> SearchRunsAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var experimentIds = request.Array("experiment_ids")
            .Select(item => item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw MlflowApiException.Invalid($"experiment_ids item {item.GetRawText()} must be a string"))
            .ToList();
        if (experimentIds.Count != 1)
        {
            throw MlflowApiException.Invalid($"experiment_ids has {experimentIds.Count} ids; HyperQueue searches the runs of exactly one experiment per request");
        }

        var search = RunFilter.Apply(
            new RunSearch { ExperimentId = experimentIds[0], MaxResults = PageSize(request, "max_results"), PageToken = request.OptionalString("page_token") },
            request.OptionalString("filter"));
        var page = await client.SearchRunsAsync(search, context.RequestAborted);
        var runs = new List<JsonObject>();
        foreach (var info in page.Items)
        {
            if (await client.GetRunAsync(info.RunId, context.RequestAborted) is { } run)
            {
                runs.Add(MlflowJson.Run(run));
            }
        }

        return Json(Paged("runs", runs, page.NextPageToken));
    }

    private static async Task<IResult> LogMetricAsync(HttpContext context, TrackingClient client, TimeProvider clock)
    {
        var request = await ReadAsync(context);
        var runId = RunId(request);
        await RequireRunAsync(client, runId, context.RequestAborted);
        var metric = new Metric(
            request.RequiredString("key"),
            request.RequiredDouble("value"),
            request.OptionalLong("step") ?? 0,
            Timestamp(request.OptionalLong("timestamp"), clock));
        await client.LogBatchAsync(runId, metrics: [metric], cancellationToken: context.RequestAborted);
        return Json([]);
    }

    private static async Task<IResult> LogParameterAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var runId = RunId(request);
        await RequireRunAsync(client, runId, context.RequestAborted);
        await client.LogParamAsync(runId, request.RequiredString("key"), request.RequiredString("value"), context.RequestAborted);
        return Json([]);
    }

    private static async Task<IResult> SetTagAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var runId = RunId(request);
        await RequireRunAsync(client, runId, context.RequestAborted);
        await client.SetTagAsync(runId, request.RequiredString("key"), request.RequiredString("value"), context.RequestAborted);
        return Json([]);
    }

    private static async Task<IResult> LogBatchAsync(HttpContext context, TrackingClient client, TimeProvider clock)
    {
        var request = await ReadAsync(context);
        var runId = RunId(request);
        await RequireRunAsync(client, runId, context.RequestAborted);
        var metrics = request.Array("metrics").Select(item => new Metric(
            MlflowRequest.ItemString("metrics", item, "key"),
            MlflowRequest.ItemDouble("metrics", item, "value"),
            MlflowRequest.ItemLong("metrics", item, "step") ?? 0,
            Timestamp(MlflowRequest.ItemLong("metrics", item, "timestamp"), clock))).ToList();
        var parameters = KeyValues(request, "params");
        var tags = KeyValues(request, "tags");
        await client.LogBatchAsync(runId, metrics, parameters, tags, context.RequestAborted);
        return Json([]);
    }

    private static async Task<IResult> GetMetricHistoryAsync(HttpContext context, TrackingClient client)
    {
        var request = await ReadAsync(context);
        var runId = RunId(request);
        await RequireRunAsync(client, runId, context.RequestAborted);
        var history = await client.GetMetricHistoryAsync(runId, request.RequiredString("metric_key"), context.RequestAborted);
        return Json(new JsonObject { ["metrics"] = new JsonArray([.. history.Select(MlflowJson.Metric)]) });
    }

    private static Task<MlflowRequest> ReadAsync(HttpContext context) => MlflowRequest.ReadAsync(context.Request, context.RequestAborted);

    /// <summary>MLflow 1.x clients send <c>run_uuid</c>, newer ones <c>run_id</c>; both are accepted.</summary>
    private static string RunId(MlflowRequest request) =>
        request.OptionalString("run_id") ?? request.OptionalString("run_uuid")
        ?? throw MlflowApiException.Invalid("missing value for required parameter 'run_id'");

    private static async Task<Run> RequireRunAsync(TrackingClient client, string runId, CancellationToken cancellationToken) =>
        await client.GetRunAsync(runId, cancellationToken) ?? throw MlflowApiException.NotFound($"run with id '{runId}' not found");

    private static int PageSize(MlflowRequest request, string name)
    {
        var size = request.OptionalLong(name) ?? RunSearch.MaxPageSize;
        return size is >= 1 and <= RunSearch.MaxPageSize
            ? (int)size
            : throw MlflowApiException.Invalid($"{name} ({size}) must be between 1 and {RunSearch.MaxPageSize}");
    }

    private static List<KeyValuePair<string, string>> KeyValues(MlflowRequest request, string field) =>
        [.. request.Array(field).Select(item => new KeyValuePair<string, string>(
            MlflowRequest.ItemString(field, item, "key"), MlflowRequest.ItemString(field, item, "value")))];

    /// <summary>MLflow requires a timestamp; a client that leaves it out gets the time the server received the metric.</summary>
    private static DateTimeOffset Timestamp(long? milliseconds, TimeProvider clock) =>
        milliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : clock.GetUtcNow();

    private static JsonObject Paged(string name, IEnumerable<JsonObject> items, string? nextPageToken)
    {
        var json = new JsonObject { [name] = new JsonArray([.. items]) };
        if (nextPageToken is not null)
        {
            json["next_page_token"] = nextPageToken;
        }

        return json;
    }

    private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json");
}
