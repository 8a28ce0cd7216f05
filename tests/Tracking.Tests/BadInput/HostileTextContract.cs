using HyperQueue.Tracking.Client;

namespace HyperQueue.Tracking.Tests.BadInput;

/// <summary>
/// Quotes, SQL fragments, control characters and very long strings in every name and value a tracking store keeps:
/// each is stored verbatim (read back exactly) or rejected with an error naming the field and the rule, in which case
/// the store's rows are exactly what they were. SQLite runs it here, Postgres in the integration tests.
/// </summary>
public abstract class HostileTextContract : IAsyncLifetime
{
    private readonly string _artifactRoot = Directory.CreateTempSubdirectory("hq-hostile-artifacts-").FullName;

    protected TrackingClient Client { get; private set; } = null!;

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Fields =>
        ["experiment name", "run name", "param key", "param value", "tag key", "tag value", "metric key", "trial error"];

    /// <summary>Texts that have broken stores before: SQL in every dialect's quoting, LIKE wildcards, bytes text columns refuse, sizes past every limit.</summary>
    public static IReadOnlyList<string> HostileTexts { get; } =
    [
        "'; DROP TABLE runs; --",
        "\"; DELETE FROM params; --",
        "') OR ('1'='1",
        "x' UNION SELECT run_id, experiment_id FROM runs --",
        "$$; DROP TABLE metrics; $$",
        "%_[]^\\",
        "it's \"quoted\" `back`",
        "line\r\nbreak\ttab",
        "\u0001\u001f\u007f\u0085\u2028",
        "nul\0inside",
        "lone \ud800 surrogate",
        "🚀 ünïcødé 日本",
        "   ",
        "",
        new string('k', 251),
        new string('v', 10_000),
        new string('m', 1024 * 1024),
    ];

    /// <summary>A tracking URI of a store nobody else uses.</summary>
    protected abstract Task<string> CreateTrackingUriAsync(CancellationToken cancellationToken);

    /// <summary>Every row of the store (see <see cref="StoreSnapshot"/>).</summary>
    protected abstract Task<IReadOnlyList<string>> SnapshotAsync(CancellationToken cancellationToken);

    public async ValueTask InitializeAsync()
    {
        Client = TrackingClient.Create(await CreateTrackingUriAsync(Token), _artifactRoot);
        await Client.InitializeAsync(Token);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        Directory.Delete(_artifactRoot, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public async Task Write_HostileText_StoredVerbatimOrRejectedNamingTheRuleWithTheStoreUnchanged(string field)
    {
        var experiment = await Client.CreateExperimentAsync("hostile-" + Guid.NewGuid().ToString("N"), Token);
        var run = await Client.CreateRunAsync(experiment.ExperimentId, "carrier", cancellationToken: Token);
        var problems = new List<string>();
        var accepted = 0;
        for (var i = 0; i < HostileTexts.Count; i++)
        {
            var text = HostileTexts[i];
            var before = await SnapshotAsync(Token);
            string? readBack;
            try
            {
                readBack = await WriteAndReadBackAsync(field, text, i, experiment.ExperimentId, run.RunId);
            }
            catch (ArgumentException error)
            {
                if (!NamesTheRule(field, error.Message))
                {
                    problems.Add($"text {i}: rejected without naming the field and rule: {Printable(error.Message)}");
                }

                if (!before.SequenceEqual(await SnapshotAsync(Token)))
                {
                    problems.Add($"text {i}: rejected, but the store changed");
                }

                continue;
            }

            accepted++;
            if (readBack != Expected(field, text))
            {
                problems.Add($"text {i}: accepted but read back as {Printable(readBack ?? "null")}");
            }
        }

        Assert.True(problems.Count == 0, $"{field}:\n{string.Join("\n", problems)}");
        // The SQL fragments were data: every table is still there and still answers.
        Assert.True(accepted >= 8, $"{field}: only {accepted} of {HostileTexts.Count} texts were accepted");
        Assert.NotNull(await Client.GetRunAsync(run.RunId, Token));
        Assert.NotEmpty((await Client.SearchExperimentsAsync(cancellationToken: Token)).Items);
    }

    [Fact]
    public async Task GetExperimentByNameAsync_LikeWildcards_MatchOnlyThemselves()
    {
        await Client.CreateExperimentAsync("abc", Token);

        Assert.Null(await Client.GetExperimentByNameAsync("%", Token));
        Assert.Null(await Client.GetExperimentByNameAsync("a_c", Token));
        Assert.Null(await Client.GetExperimentByNameAsync("' OR '1'='1", Token));
        Assert.Equal("abc", (await Client.GetExperimentByNameAsync("abc", Token))!.Name);
    }

    private async Task<string?> WriteAndReadBackAsync(string field, string text, int index, string experimentId, string runId)
    {
        switch (field)
        {
            case "experiment name":
                var experiment = await Client.CreateExperimentAsync(text, Token);
                return (await Client.GetExperimentByNameAsync(text, Token))?.ExperimentId == experiment.ExperimentId
                    ? (await Client.GetExperimentAsync(experiment.ExperimentId, Token))!.Name
                    : "(not found by its name)";
            case "run name":
                var named = await Client.CreateRunAsync(experimentId, text, cancellationToken: Token);
                return (await Client.GetRunAsync(named.RunId, Token))!.Info.RunName;
            case "param key":
                await Client.LogParamAsync(runId, text, "v", Token);
                return (await Client.GetRunAsync(runId, Token))!.Params.Keys.SingleOrDefault(k => k == text);
            case "param value":
                await Client.LogParamAsync(runId, $"p{index}", text, Token);
                return (await Client.GetRunAsync(runId, Token))!.Params.GetValueOrDefault($"p{index}");
            case "tag key":
                await Client.SetTagAsync(runId, text, "v", Token);
                return (await Client.GetRunAsync(runId, Token))!.Tags.Keys.SingleOrDefault(k => k == text);
            case "tag value":
                await Client.SetTagAsync(runId, $"t{index}", text, Token);
                return (await Client.GetRunAsync(runId, Token))!.Tags.GetValueOrDefault($"t{index}");
            case "metric key":
                await Client.LogMetricAsync(runId, text, index, cancellationToken: Token);
                return (await Client.GetMetricHistoryAsync(runId, text, Token)).SingleOrDefault()?.Key;
            default:
                // An objective's error text is stored cleaned and cut (it must never fail the write), not refused.
                var trial = new Trials.TrialRecord
                {
                    TrialId = Guid.NewGuid(),
                    ExperimentId = experimentId,
                    RunId = runId,
                    Number = index,
                    State = Trials.TrialState.Error,
                    Status = Contracts.TrialStatus.Fail,
                    Parameters = System.Text.Json.JsonDocument.Parse("{}").RootElement.Clone(),
                    ErrorType = "fuzz",
                    ErrorMessage = text,
                };
                await Client.UpsertTrialAsync(trial, Token);
                return (await Client.ListTrialsAsync(experimentId, cancellationToken: Token)).Single(t => t.TrialId == trial.TrialId).ErrorMessage;
        }
    }

    /// <summary>What a stored text reads back as: itself, except an error text, which is stored as a tag value would be.</summary>
    private static string Expected(string field, string text) => field == "trial error" ? TrackingClient.ToStorableTagValue(text) : text;

    private static bool NamesTheRule(string field, string message)
    {
        var kind = field.Split(' ')[0];
        string[] rules = ["limit", "empty", "non-blank", "U+0000", "surrogate", "UTF-8", "characters"];
        return message.Contains(kind, StringComparison.OrdinalIgnoreCase) && rules.Any(rule => message.Contains(rule, StringComparison.OrdinalIgnoreCase));
    }

    private static string Printable(string text) =>
        string.Concat(text.Take(200).Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
