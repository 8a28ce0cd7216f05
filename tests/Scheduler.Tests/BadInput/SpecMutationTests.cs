using System.Text;
using HyperQueue.Scheduler.Cli;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Scheduler.Specs;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Tests.BadInput;

namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>
/// A few hundred invalid spec files derived from the valid ones (examples/specs and the seeds beside this file)
/// with one fixed seed: every one is rejected by the spec and space readers with one clear message, and through
/// <c>hq tune</c> with exit code 2, that single message on stderr and the tracking store untouched.
/// </summary>
public sealed class SpecMutationTests : IDisposable
{
    /// <summary>The generator's seed: the same few hundred files on every run and machine.</summary>
    private const int MutationSeed = 20_261_203;

    private static readonly Lazy<IReadOnlyList<(string Name, string Json)>> Seeds = new(LoadSeeds);

    private static readonly Lazy<IReadOnlyList<SpecMutation>> Mutations = new(() => SpecMutator.Generate(Seeds.Value, MutationSeed));

    private readonly string _directory = Directory.CreateTempSubdirectory("hq-bad-spec-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Seeds_AsWritten_AreValidSpecsWithValidSpaces()
    {
        Assert.True(Seeds.Value.Count >= 4, $"expected the example specs and the seeds beside this test, found {Seeds.Value.Count}");
        foreach (var (name, json) in Seeds.Value)
        {
            var spec = ExperimentSpec.Parse(json, name);
            var space = SearchSpace.FromJson(spec.Space);
            Assert.NotEmpty(space.Parameters);
            Assert.All(spec.PointsToEvaluate, point => Assert.Equal(space.Parameters.Count, space.CompleteAssignment(point).Count));
        }
    }

    [Fact]
    public void Generate_FixedSeed_AFewHundredMutationsOfEveryKind()
    {
        var kinds = Mutations.Value.GroupBy(m => m.Kind).ToDictionary(g => g.Key, g => g.Count());

        Assert.InRange(Mutations.Value.Count, 300, 2_000);
        Assert.Equal(
            ["bad-name", "deep-nesting", "duplicate-member", "empty-or-not-an-object", "huge-number", "lone-surrogate", "missing-member", "nan-infinity", "not-utf8", "truncated", "unknown-member", "untrackable-param", "wrong-type-or-value"],
            kinds.Keys.Order(StringComparer.Ordinal));
        // Same seed, same files: a failure found once is found again.
        Assert.Equal(
            Mutations.Value.Select(m => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Utf8))),
            SpecMutator.Generate(Seeds.Value, MutationSeed).Select(m => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(m.Utf8))));
    }

    [Fact]
    public void Parse_EveryMutation_RejectedWithOneClearMessage()
    {
        var problems = new List<string>();
        foreach (var mutation in Mutations.Value)
        {
            const string source = "mutated.json";
            string? message = null;
            try
            {
                var spec = ExperimentSpec.Parse(mutation.Utf8, source);
                if (mutation.InSpace)
                {
                    SearchSpace.FromJson(spec.Space);
                }
            }
            catch (SpecException ex)
            {
                message = ex.Message;
            }
            catch (ArgumentException ex) when (mutation.InSpace)
            {
                message = $"{source}: {ex.Message}";
            }

            if (message is null)
            {
                problems.Add($"{mutation}: accepted");
            }
            else if (ClearMessageRules.Check(message, source) is { } problem)
            {
                problems.Add($"{mutation}: {problem}");
            }
        }

        Assert.True(problems.Count == 0, Report(problems));
    }

    [Fact]
    public async Task Tune_EveryMutation_ExitsTwoWithOneLineAndTheTrackingStoreUnchanged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = Path.Combine(_directory, "runs.db");
        await SeedStoreAsync(database, cancellationToken);
        var before = await StoreSnapshot.OfSqliteAsync(database, cancellationToken);

        var problems = new List<string>();
        var index = 0;
        foreach (var mutation in Mutations.Value)
        {
            var path = Path.Combine(_directory, $"mutation-{index++:D4}.json");
            await File.WriteAllBytesAsync(path, mutation.Utf8, cancellationToken);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var code = HqCommand.Run(["tune", path, "--tracking", $"sqlite:{database}", "--no-progress"], stdout, stderr);

            var lines = stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
            if (code != ExitCodes.BadInput)
            {
                problems.Add($"{mutation}: exit code {code}, stderr {stderr}");
            }
            else if (lines.Length != 1 || stdout.ToString().Length > 0)
            {
                problems.Add($"{mutation}: {lines.Length} stderr lines and {stdout.ToString().Length} stdout characters: {stderr}");
            }
            else if (!lines[0].StartsWith("hq tune: ", StringComparison.Ordinal))
            {
                problems.Add($"{mutation}: does not start with 'hq tune: ': {lines[0]}");
            }
            else if (ClearMessageRules.Check(lines[0]["hq tune: ".Length..], path) is { } problem)
            {
                problems.Add($"{mutation}: {problem}");
            }
        }

        Assert.True(problems.Count == 0, Report(problems));
        Assert.Equal(before, await StoreSnapshot.OfSqliteAsync(database, cancellationToken));
    }

    /// <summary>The failures, one a line, control characters escaped (a NUL in a test message breaks the test host's protocol).</summary>
    private static string Report(List<string> problems) =>
        $"{problems.Count} of {Mutations.Value.Count} mutations:\n" + string.Join(
            "\n",
            problems.Select(p => string.Concat(p.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()))));

    /// <summary>A store with one finished experiment in it, so "unchanged" compares real rows, not an empty file.</summary>
    private static async Task SeedStoreAsync(string database, CancellationToken cancellationToken)
    {
        await using var tracking = TrackingClient.Create($"sqlite:{database}");
        await tracking.InitializeAsync(cancellationToken);
        var experiment = await tracking.CreateExperimentAsync("earlier-experiment", cancellationToken);
        var run = await tracking.CreateRunAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
        await tracking.LogParamAsync(run.RunId, "lr", "0.1", cancellationToken);
        await tracking.LogMetricAsync(run.RunId, "loss", 0.5, cancellationToken: cancellationToken);
        await tracking.EndRunAsync(run.RunId, cancellationToken: cancellationToken);
    }

    private static List<(string Name, string Json)> LoadSeeds()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "BadInput", "Seeds");
        return
        [
            .. Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories)
                .Order(StringComparer.Ordinal)
                .Select(path => (Path.GetRelativePath(folder, path).Replace('\\', '/'), File.ReadAllText(path, Encoding.UTF8))),
        ];
    }
}
