using System.Text;
using System.Text.Json;
using HyperQueue.Integration.Tests.TrackingService;
using HyperQueue.Tracking.Tests.BadInput;

namespace HyperQueue.Integration.Tests.BadInput;

/// <summary>
/// The hostile texts of <see cref="HostileTextContract"/> and malformed bodies sent to the tracking service's MLflow
/// REST API: every answer is 200 with the text read back exactly, or 400 INVALID_PARAMETER_VALUE with a message, the
/// store unchanged by a 400, and never a 500.
/// </summary>
public sealed class TrackingApiHostileTextTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ExperimentsCreateAndLogBatch_HostileTexts_200AndVerbatimOr400AndNothingWritten()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var database = Path.Combine(server.Folder, "tracking.db");
        var (_, created) = await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "carrier"}""", Token);
        var (_, run) = await server.PostAsync("/api/2.0/mlflow/runs/create", Json(new { experiment_id = created.GetProperty("experiment_id").GetString() }), Token);
        var runId = run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        var problems = new List<string>();

        for (var i = 0; i < HostileTextContract.HostileTexts.Count; i++)
        {
            var text = HostileTextContract.HostileTexts[i];
            if (!IsWellFormedUtf16(text))
            {
                // A JSON writer cannot encode a lone surrogate; that body is among MalformedBodies below.
                continue;
            }

            var before = await StoreSnapshot.OfSqliteAsync(database, Token);
            var (experimentStatus, experiment) = await server.PostAsync("/api/2.0/mlflow/experiments/create", Json(new { name = text }), Token);
            var (batchStatus, batch) = await server.PostAsync(
                "/api/2.0/mlflow/runs/log-batch",
                Json(new
                {
                    run_id = runId,
                    @params = new[] { new { key = text, value = text } },
                    tags = new[] { new { key = $"t{i}", value = text } },
                    metrics = new[] { new { key = text, value = 1.0, timestamp = 1L, step = (long)i } },
                }),
                Token);

            if (experimentStatus == 200)
            {
                var (_, got) = await server.GetAsync($"/api/2.0/mlflow/experiments/get?experiment_id={experiment.GetProperty("experiment_id").GetString()}", Token);
                if (got.GetProperty("experiment").GetProperty("name").GetString() != text)
                {
                    problems.Add($"text {i}: experiment name not read back verbatim");
                }
            }
            else if (!IsClear400(experimentStatus, experiment))
            {
                problems.Add($"text {i}: experiments/create answered {experimentStatus} {Cut(experiment)}");
            }

            if (batchStatus == 200)
            {
                var (_, got) = await server.GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}", Token);
                var data = got.GetProperty("run").GetProperty("data");
                if (!data.GetProperty("params").EnumerateArray().Any(p => p.GetProperty("key").GetString() == text && p.GetProperty("value").GetString() == text)
                    || !data.GetProperty("tags").EnumerateArray().Any(t => t.GetProperty("key").GetString() == $"t{i}" && t.GetProperty("value").GetString() == text))
                {
                    problems.Add($"text {i}: param or tag not read back verbatim");
                }
            }
            else if (!IsClear400(batchStatus, batch))
            {
                problems.Add($"text {i}: runs/log-batch answered {batchStatus} {Cut(batch)}");
            }

            if (experimentStatus != 200 && batchStatus != 200 && !before.SequenceEqual(await StoreSnapshot.OfSqliteAsync(database, Token)))
            {
                problems.Add($"text {i}: both writes refused, but the store changed");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        // The dashboard still renders every experiment, whatever their names.
        using var page = await server.Http.GetAsync(new Uri("/", UriKind.Relative), Token);
        Assert.Equal(200, (int)page.StatusCode);
    }

    public static TheoryData<string, byte[]> MalformedBodies => new()
    {
        { "invalid UTF-8", [.. "{\"name\": \""u8, 0xFF, 0xFE, .. "\"}"u8] },
        { "lone surrogate escape", "{\"name\": \"a\\ud800b\"}"u8.ToArray() },
        { "10,000 levels of nesting", Encoding.UTF8.GetBytes("{\"name\": " + new string('[', 10_000) + new string(']', 10_000) + "}") },
        { "10 MB name", Encoding.UTF8.GetBytes("{\"name\": \"" + new string('n', 10 * 1024 * 1024) + "\"}") },
        { "duplicate name members", "{\"name\": \"a\", \"name\": \"b\"}"u8.ToArray() },
        { "name as a number", "{\"name\": 1e400}"u8.ToArray() },
        { "empty body", [] },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task ExperimentsCreate_MalformedBody_400AndNothingWritten(string what, byte[] body)
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        await server.PostAsync("/api/2.0/mlflow/experiments/create", """{"name": "existing"}""", Token);
        var before = await StoreSnapshot.OfSqliteAsync(Path.Combine(server.Folder, "tracking.db"), Token);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await server.Http.PostAsync(new Uri("/api/2.0/mlflow/experiments/create", UriKind.Relative), content, Token);
        var answer = await response.Content.ReadAsStringAsync(Token);

        Assert.True(400 == (int)response.StatusCode, $"{what}: {(int)response.StatusCode} {answer[..Math.Min(answer.Length, 300)]}");
        using var error = JsonDocument.Parse(answer);
        Assert.Equal("INVALID_PARAMETER_VALUE", error.RootElement.GetProperty("error_code").GetString());
        var message = error.RootElement.GetProperty("message").GetString()!;
        Assert.True(message.Length < 1000, $"{what}: the message repeats the input");
        Assert.DoesNotContain("Exception", message, StringComparison.Ordinal);
        Assert.Equal(before, await StoreSnapshot.OfSqliteAsync(Path.Combine(server.Folder, "tracking.db"), Token));
    }

    private static bool IsClear400(int status, JsonElement body) =>
        status == 400
        && body.ValueKind == JsonValueKind.Object
        && body.GetProperty("error_code").GetString() == "INVALID_PARAMETER_VALUE"
        && body.GetProperty("message").GetString() is { Length: > 0 and < 1000 };

    private static bool IsWellFormedUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static string Cut(JsonElement body)
    {
        var text = body.ValueKind == JsonValueKind.Undefined ? "(no body)" : body.GetRawText();
        return text.Length <= 300 ? text : text[..300];
    }
}
