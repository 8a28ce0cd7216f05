using System.Text.Json;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary>
/// The MLflow REST API 2.0 as an MLflow client uses it: the request bodies below are what MLflow's Python
/// <c>RestStore</c> sends (snake_case fields, int64 as numbers), and the assertions read the documented response fields.
/// </summary>
public sealed class MlflowApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExperimentsCreate_ThenGetAndGetByName_ReturnTheExperiment()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (createStatus, created) = await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "wine-quality"}""", Token);
        var id = created.GetProperty("experiment_id").GetString()!;
        var (getStatus, got) = await server.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={id}", Token);
        var (byNameStatus, byName) = await server.GetAsync("/api/2.0/mlflow/experiments/get-by-name?experiment_name=wine-quality", Token);

        Assert.Equal((200, 200, 200), (createStatus, getStatus, byNameStatus));
        var experiment = got.GetProperty("experiment");
        Assert.Equal(id, experiment.GetProperty("experiment_id").GetString());
        Assert.Equal("wine-quality", experiment.GetProperty("name").GetString());
        Assert.Equal("active", experiment.GetProperty("lifecycle_stage").GetString());
        Assert.True(experiment.GetProperty("creation_time").GetInt64() > 0);
        Assert.Equal(id, byName.GetProperty("experiment").GetProperty("experiment_id").GetString());
    }

    [Fact]
    public async Task ExperimentsCreate_NameTaken_Returns400ResourceAlreadyExists()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "dup"}""", Token);

        var (status, body) = await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "dup"}""", Token);

        Assert.Equal(400, status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", body.GetProperty("error_code").GetString());
        Assert.Contains("'dup'", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentsSearch_TwoExperimentsPageSizeOne_PagesWithToken()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "first"}""", Token);
        await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "second"}""", Token);

        var (_, page1) = await server.PostAsync("/api/2.0/mlflow/experiments/search", """{"max_results": 1}""", Token);
        var next = page1.GetProperty("next_page_token").GetString();
        var (_, page2) = await server.PostAsync("/api/2.0/mlflow/experiments/search", $$"""{"max_results": 1, "page_token": "{{next}}"}""", Token);

        var names = page1.GetProperty("experiments").EnumerateArray().Concat(page2.GetProperty("experiments").EnumerateArray())
            .Select(experiment => experiment.GetProperty("name").GetString()).Order().ToList();
        Assert.Equal(["first", "second"], names);
        Assert.False(page2.TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task RunLifecycle_CreateLogBatchUpdateGet_RoundTripsMlflowShapes()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var (_, created) = await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "lifecycle"}""", Token);
        var experimentId = created.GetProperty("experiment_id").GetString();

        var (createStatus, run) = await server.PostAsync("/api/2.0/mlflow/runs/create", $$"""
            {"experiment_id": "{{experimentId}}", "user_id": "ana", "start_time": 1790000000000, "run_name": "baseline",
             "tags": [{"key": "mlflow.source.name", "value": "train.py"}]}
            """, Token);
        var runId = run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
        var (batchStatus, batchBody) = await server.PostAsync("/api/2.0/mlflow/runs/log-batch", $$"""
            {"run_id": "{{runId}}",
             "metrics": [{"key": "rmse", "value": 0.91, "timestamp": 1790000001000, "step": 0},
                         {"key": "rmse", "value": 0.72, "timestamp": 1790000002000, "step": 1}],
             "params": [{"key": "learning_rate", "value": "0.05"}, {"key": "num_leaves", "value": "64"}],
             "tags": [{"key": "stage", "value": "tuning"}]}
            """, Token);
        var (metricStatus, _) = await server.PostAsync("/api/2.0/mlflow/runs/log-metric",
            $$"""{"run_id": "{{runId}}", "run_uuid": "{{runId}}", "key": "rmse", "value": 0.66, "timestamp": 1790000003000, "step": 2}""", Token);
        var (paramStatus, _) = await server.PostAsync("/api/2.0/mlflow/runs/log-parameter",
            $$"""{"run_id": "{{runId}}", "key": "booster", "value": "gbdt"}""", Token);
        var (tagStatus, _) = await server.PostAsync("/api/2.0/mlflow/runs/set-tag",
            $$"""{"run_id": "{{runId}}", "key": "stage", "value": "done"}""", Token);
        var (updateStatus, updated) = await server.PostAsync("/api/2.0/mlflow/runs/update",
            $$"""{"run_id": "{{runId}}", "status": "FINISHED", "end_time": 1790000009000}""", Token);
        var (getStatus, got) = await server.GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}", Token);

        Assert.Equal([200, 200, 200, 200, 200, 200, 200], new[] { createStatus, batchStatus, metricStatus, paramStatus, tagStatus, updateStatus, getStatus });
        Assert.Equal(JsonValueKind.Object, batchBody.ValueKind);
        Assert.Equal("RUNNING", run.GetProperty("run").GetProperty("info").GetProperty("status").GetString());
        Assert.Matches("^[0-9a-f]{32}$", runId);
        Assert.Equal("FINISHED", updated.GetProperty("run_info").GetProperty("status").GetString());
        Assert.True(updated.GetProperty("run_info").TryGetProperty("end_time", out _));

        var info = got.GetProperty("run").GetProperty("info");
        var data = got.GetProperty("run").GetProperty("data");
        Assert.Equal(runId, info.GetProperty("run_uuid").GetString());
        Assert.Equal("baseline", info.GetProperty("run_name").GetString());
        Assert.Equal(experimentId, info.GetProperty("experiment_id").GetString());
        Assert.Equal(
            new Dictionary<string, string> { ["booster"] = "gbdt", ["learning_rate"] = "0.05", ["num_leaves"] = "64" },
            Pairs(data.GetProperty("params")));
        var tags = Pairs(data.GetProperty("tags"));
        Assert.Equal("done", tags["stage"]);
        Assert.Equal("train.py", tags["mlflow.source.name"]);
        Assert.Equal("baseline", tags["mlflow.runName"]);
        var latest = Assert.Single(data.GetProperty("metrics").EnumerateArray());
        Assert.Equal(("rmse", 0.66, 2L, 1790000003000L), (latest.GetProperty("key").GetString(), latest.GetProperty("value").GetDouble(), latest.GetProperty("step").GetInt64(), latest.GetProperty("timestamp").GetInt64()));
    }

    [Fact]
    public async Task MetricsGetHistory_ThreeValues_ReturnsEveryValueByStep()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var runId = await CreateRunAsync(server, "history");
        await server.PostAsync("/api/2.0/mlflow/runs/log-batch", $$"""
            {"run_id": "{{runId}}", "metrics": [
              {"key": "loss", "value": 0.5, "timestamp": 1790000002000, "step": 2},
              {"key": "loss", "value": 0.9, "timestamp": 1790000000000, "step": 0},
              {"key": "loss", "value": 0.7, "timestamp": 1790000001000, "step": 1},
              {"key": "other", "value": 1, "timestamp": 1790000001000, "step": 0}]}
            """, Token);

        var (status, body) = await server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=loss", Token);

        Assert.Equal(200, status);
        var history = body.GetProperty("metrics").EnumerateArray()
            .Select(metric => (metric.GetProperty("step").GetInt64(), metric.GetProperty("value").GetDouble(), metric.GetProperty("key").GetString()))
            .ToList();
        Assert.Equal([(0L, 0.9, "loss"), (1L, 0.7, "loss"), (2L, 0.5, "loss")], history);
    }

    [Fact]
    public async Task RunsSearch_ParentFilterAndPageSize_ReturnsChildrenInPages()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var (_, created) = await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "nested"}""", Token);
        var experimentId = created.GetProperty("experiment_id").GetString();
        var (_, parent) = await server.PostAsync("/api/2.0/mlflow/runs/create", $$"""{"experiment_id": "{{experimentId}}", "run_name": "parent"}""", Token);
        var parentId = parent.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
        var childIds = new List<string>();
        for (var index = 0; index < 3; index++)
        {
            var (_, child) = await server.PostAsync("/api/2.0/mlflow/runs/create", $$"""
                {"experiment_id": "{{experimentId}}", "tags": [{"key": "mlflow.parentRunId", "value": "{{parentId}}"}]}
                """, Token);
            childIds.Add(child.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!);
        }

        var filter = $"tags.mlflow.parentRunId = '{parentId}'";
        var (status1, page1) = await server.PostAsync("/api/2.0/mlflow/runs/search",
            JsonSerializer.Serialize(new { experiment_ids = new[] { experimentId }, filter, max_results = 2, run_view_type = "ACTIVE_ONLY" }), Token);
        var (status2, page2) = await server.PostAsync("/api/2.0/mlflow/runs/search",
            JsonSerializer.Serialize(new { experiment_ids = new[] { experimentId }, filter, max_results = 2, page_token = page1.GetProperty("next_page_token").GetString() }), Token);

        Assert.Equal((200, 200), (status1, status2));
        var found = page1.GetProperty("runs").EnumerateArray().Concat(page2.GetProperty("runs").EnumerateArray())
            .Select(run => run.GetProperty("info").GetProperty("run_id").GetString()!).Order().ToList();
        Assert.Equal(childIds.Order().ToList(), found);
        Assert.Equal(2, page1.GetProperty("runs").GetArrayLength());
    }

    [Fact]
    public async Task RunsGet_UnknownRun_Returns404ResourceDoesNotExist()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (status, body) = await server.GetAsync("/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef", Token);

        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body.GetProperty("error_code").GetString());
        Assert.Contains("0123456789abcdef0123456789abcdef", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsLogMetric_UnknownRun_Returns404ResourceDoesNotExist()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (status, body) = await server.PostAsync("/api/2.0/mlflow/runs/log-metric",
            """{"run_id": "missing", "key": "loss", "value": 1.0, "timestamp": 1790000000000}""", Token);

        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task RunsLogParameter_OtherValueForLoggedKey_Returns400AndKeepsTheFirstValue()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var runId = await CreateRunAsync(server, "write-once");
        await server.PostAsync("/api/2.0/mlflow/runs/log-parameter", $$"""{"run_id": "{{runId}}", "key": "lr", "value": "0.1"}""", Token);

        var (sameStatus, _) = await server.PostAsync("/api/2.0/mlflow/runs/log-parameter", $$"""{"run_id": "{{runId}}", "key": "lr", "value": "0.1"}""", Token);
        var (status, body) = await server.PostAsync("/api/2.0/mlflow/runs/log-parameter", $$"""{"run_id": "{{runId}}", "key": "lr", "value": "0.2"}""", Token);

        Assert.Equal(200, sameStatus);
        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body.GetProperty("error_code").GetString());
        var message = body.GetProperty("message").GetString()!;
        Assert.Contains("'lr'", message, StringComparison.Ordinal);
        Assert.Contains("'0.1'", message, StringComparison.Ordinal);
        Assert.Contains("'0.2'", message, StringComparison.Ordinal);
        var run = await server.Client.GetRunAsync(runId, Token);
        Assert.Equal("0.1", run!.Params["lr"]);
    }

    [Theory]
    [InlineData("""{"run_id": "x", "key": "loss", "value": 1.0""")]
    [InlineData("""[1, 2, 3]""")]
    [InlineData("""not json""")]
    public async Task RunsLogMetric_MalformedBody_Returns400InvalidParameterValue(string body)
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (status, error) = await server.PostAsync("/api/2.0/mlflow/runs/log-metric", body, Token);

        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task RunsCreate_MissingExperimentId_Returns400NamingTheField()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (status, error) = await server.PostAsync("/api/2.0/mlflow/runs/create", """{"run_name": "orphan"}""", Token);

        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.GetProperty("error_code").GetString());
        Assert.Contains("'experiment_id'", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunsLogBatch_OneBadKey_WritesNothing()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var runId = await CreateRunAsync(server, "atomic");
        var longKey = new string('k', 251);

        var (status, error) = await server.PostAsync("/api/2.0/mlflow/runs/log-batch", $$"""
            {"run_id": "{{runId}}", "params": [{"key": "good", "value": "1"}], "metrics": [{"key": "{{longKey}}", "value": 1, "timestamp": 1, "step": 0}]}
            """, Token);

        Assert.Equal(400, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.GetProperty("error_code").GetString());
        var run = await server.Client.GetRunAsync(runId, Token);
        Assert.Empty(run!.Params);
    }

    private static async Task<string> CreateRunAsync(TestTrackingServer server, string experimentName)
    {
        var (_, created) = await server.PostAsync("/api/2.0/mlflow/experiments/create", $$"""{"name": "{{experimentName}}"}""", Token);
        var (_, run) = await server.PostAsync("/api/2.0/mlflow/runs/create",
            $$"""{"experiment_id": "{{created.GetProperty("experiment_id").GetString()}}"}""", Token);
        return run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    private static Dictionary<string, string> Pairs(JsonElement array) =>
        array.EnumerateArray().ToDictionary(pair => pair.GetProperty("key").GetString()!, pair => pair.GetProperty("value").GetString()!);
}
