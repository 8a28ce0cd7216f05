using HyperQueue.Scheduler.Cli;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Scheduler.Specs;

namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>The exact messages for the spec defects the mutation suite found, so each fix stays fixed.</summary>
public sealed class SpecErrorMessageTests : IDisposable
{
    private const string Rest = """ "objective": "branin", "maxEvals": 3, "space": {"x1": {"$hp": "uniform", "low": 0, "high": 1}}""";

    private readonly string _directory = Directory.CreateTempSubdirectory("hq-spec-message-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Parse_AlgorithmObjectWithAnOptionNothingReads_RejectedNamingIt()
    {
        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse($$"""{"name": "n", "algo": {"name": "tpe", "gamma": 0.25},{{Rest}}}""", "s.json"));

        Assert.Equal("s.json: $.algo.gamma: unknown member; accepted members here are name", error.Message);
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\u00a0")]
    public void Parse_BlankName_RejectedBeforeTheTrackingStoreSeesIt(string name)
    {
        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse($$"""{"name": "{{name}}",{{Rest}}}""", "s.json"));

        Assert.Equal("s.json: $.name: must be 1 to 250 characters without control characters, and not only spaces", error.Message);
    }

    [Theory]
    [InlineData("""{"name": "a\ud800b",{{Rest}}}""", "$.name: must be valid Unicode text (lone surrogate \\ud800)")]
    [InlineData("""{"name": "n", "objective": "\udc00", "maxEvals": 3, "space": {}}""", "$.objective: must be valid Unicode text (lone surrogate \\udc00)")]
    [InlineData("""{"name": "n", "objective": {"command": ["python3", "\ud83d"]}, "maxEvals": 3, "space": {}}""", "$.objective.command[1]: must be valid Unicode text (lone surrogate \\ud83d)")]
    [InlineData("""{"name": "n", "algo": "tpe\ud800\ud800",{{Rest}}}""", "$.algo: must be valid Unicode text (lone surrogate \\ud800)")]
    [InlineData("""{"name": "n", "objective": "branin", "maxEvals": 3, "space": {"x": {"$hp": "choice", "label": "c\udfff", "options": [1]}}}""", "$.space.x.label: must be valid Unicode text (lone surrogate \\udfff)")]
    [InlineData("""{"name": "n", "objective": "branin", "maxEvals": 3, "space": {"x": {"$hp": "choice", "options": ["\ude00\ud83d"]}}}""", "$.space.x.options[0]: must be valid Unicode text (lone surrogate \\ude00)")]
    [InlineData("""{"name": "n", "pointsToEvaluate": [{"x1\ud800": 0.5}],{{Rest}}}""", "$.pointsToEvaluate[0]['x1\\ud800']: the member name must be valid Unicode text (lone surrogate \\ud800)")]
    [InlineData("""{"name": "n", "objective": "branin", "maxEvals": 3, "space": {"x\udc00": 1, "x\udc00": 2}}""", "$.space['x\\udc00']: the member name must be valid Unicode text (lone surrogate \\udc00)")]
    [InlineData("""{"name\ud800": "n",{{Rest}}}""", "$['name\\ud800']: the member name must be valid Unicode text (lone surrogate \\ud800)")]
    public void Parse_LoneSurrogateInAnyStringOrMemberName_RejectedNamingThePathAndTheSurrogate(string template, string expected)
    {
        var json = template.Replace("{{Rest}}", Rest, StringComparison.Ordinal);

        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse(json, "s.json"));

        Assert.Equal($"s.json: {expected}", error.Message);
    }

    [Theory]
    [InlineData("""{"name": "\ud83d\ude00 and \\ud800", "objective": "sleep", "maxEvals": 3, "space": {"\ud83d\ude00": {"$hp": "choice", "options": ["\ud83d\ude00"]}}}""")]
    public void Parse_SurrogatePairsAndAnEscapedBackslash_AreValidText(string json)
    {
        var spec = ExperimentSpec.Parse(json, "s.json");

        Assert.Equal("\U0001F600 and \\ud800", spec.Name);
        Assert.Equal(["\U0001F600"], SearchSpace.FromJson(spec.Space).Parameters.Select(p => p.Label));
    }

    [Fact]
    public void Tune_LoneSurrogateInTheName_ExitsTwoWithOneLineAndStoresNothing()
    {
        var path = Path.Combine(_directory, "surrogate.json");
        File.WriteAllText(path, """{"name": "a\ud800b", "objective": "sleep", "maxEvals": 3, "space": {"seconds": 0}}""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = HqCommand.Run(["tune", path, "--tracking", $"sqlite:{Path.Combine(_directory, "runs.db")}"], stdout, stderr);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"hq tune: {path}: $.name: must be valid Unicode text (lone surrogate \\ud800)", stderr.ToString().TrimEnd());
        Assert.Equal("", stdout.ToString());
        Assert.False(File.Exists(Path.Combine(_directory, "runs.db")));
    }

    public static TheoryData<string, string> UntrackableSpaces => new()
    {
        {
            """{"x\u0000y": {"$hp": "uniform", "low": 0, "high": 1}}""",
            """$.space['x\u0000y']: the tracking param key 'x\u0000y' contains U+0000 at index 1; the store cannot hold NUL characters"""
        },
        {
            """{"act": {"$hp": "choice", "options": ["relu", "ta\u0000nh"]}}""",
            """$.space.act.options[1]: the tracking param value "ta\u0000nh" contains U+0000 at index 2; the store cannot hold NUL characters"""
        },
        {
            """{"m": {"$hp": "pchoice", "options": [{"p": 1, "value": {"d\u0000": {"$hp": "normal", "mu": 0, "sigma": 1}}}]}}""",
            """$.space.m.options[0].value['d\u0000']: the tracking param key 'm.d\u0000' contains U+0000 at index 3; the store cannot hold NUL characters"""
        },
        {
            $$"""{"{{new string('k', 251)}}": 1}""",
            $"$.space.{new string('k', InputText.MaxShownLength)}...(251 characters): the tracking param key '{new string('k', InputText.MaxShownLength)}...(251 characters)' has 251 characters; the limit is 250 (MLflow's)"
        },
        {
            $$$"""{"a": [{"{{{new string('b', 247)}}}": {"$hp": "uniform", "low": 0, "high": 1}}]}""",
            $"$.space.a[0].{new string('b', InputText.MaxShownLength)}...(247 characters): the tracking param key 'a.0.{new string('b', InputText.MaxShownLength - 4)}...(251 characters)' has 251 characters; the limit is 250 (MLflow's)"
        },
        {
            $$"""{"prompt": "{{new string('p', 6001)}}"}""",
            $"$.space.prompt: the tracking param value \"{new string('p', InputText.MaxShownLength)}...(6001 characters)\" has 6001 characters; the limit is 6000 (MLflow's)"
        },
        {
            """{"": {"$hp": "uniform", "low": 0, "high": 1}}""",
            """$.space['']: the tracking param key '' must not be empty"""
        },
        {
            """{"a.b": 1, "a": {"b": {"$hp": "uniform", "low": 0, "high": 1}}}""",
            """$.space.a.b: gives the tracking param key 'a.b', which $.space['a.b'] gives too; each param key must come from one place"""
        },
        {
            """{"m": {"$hp": "choice", "options": [{"x": 1}, 2]}, "m.x": 3}""",
            """$.space['m.x']: gives the tracking param key 'm.x', which $.space.m.options[0].x gives too; each param key must come from one place"""
        },
    };

    [Theory]
    [MemberData(nameof(UntrackableSpaces))]
    public void Parse_SpaceGivingAParamTheTrackingStoreRefuses_RejectedNamingThePathAndTheStoresRule(string space, string expected)
    {
        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse($$"""{"name": "n", "objective": "branin", "maxEvals": 3, "space": {{space}}}""", "s.json"));

        Assert.Equal($"s.json: {expected}", error.Message);
    }

    [Theory]
    [InlineData("""{"x\u0000y": 1, "prompt": "a\u0000b"}, "tracking": {"enabled": false}""")]
    [InlineData("""{"m": {"$hp": "choice", "options": [{"lr": 0.1}, {"lr": {"$hp": "uniform", "low": 0, "high": 1}}]}}""")]
    [InlineData("""{"a.b": 1, "a": {"c": 2}}""")]
    public void Parse_SpaceTheStoreCanHoldOrWithoutTracking_IsAccepted(string spaceAndMore)
    {
        var spec = ExperimentSpec.Parse($$"""{"name": "n", "objective": "branin", "maxEvals": 3, "space": {{spaceAndMore}}}""", "s.json");

        Assert.Equal("n", spec.Name);
    }

    [Fact]
    public async Task Tune_LabelWithNul_ExitsTwoWithOneLineAndTheTrackingStoreByteForByteUnchanged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = Path.Combine(_directory, "runs.db");
        await using (var tracking = HyperQueue.Tracking.Client.TrackingClient.Create($"sqlite:{database}"))
        {
            await tracking.InitializeAsync(cancellationToken);
            var experiment = await tracking.CreateExperimentAsync("earlier-experiment", cancellationToken);
            var run = await tracking.CreateRunAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
            await tracking.LogParamAsync(run.RunId, "lr", "0.1", cancellationToken);
            await tracking.EndRunAsync(run.RunId, cancellationToken: cancellationToken);
        }

        var bytes = await File.ReadAllBytesAsync(database, cancellationToken);
        var rows = await HyperQueue.Tracking.Tests.BadInput.StoreSnapshot.OfSqliteAsync(database, cancellationToken);
        var path = Path.Combine(_directory, "nul.json");
        await File.WriteAllTextAsync(path, """{"name": "nul", "objective": "sleep", "maxEvals": 3, "space": {"seconds": 0, "x\u0000y": {"$hp": "uniform", "low": 0, "high": 1}}}""", cancellationToken);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = HqCommand.Run(["tune", path, "--no-progress", "--tracking", $"sqlite:{database}"], stdout, stderr);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("", stdout.ToString());
        Assert.Equal(
            $"hq tune: {path}: $.space['x\\u0000y']: the tracking param key 'x\\u0000y' contains U+0000 at index 1; the store cannot hold NUL characters",
            Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(database, cancellationToken));
        Assert.Equal(rows, await HyperQueue.Tracking.Tests.BadInput.StoreSnapshot.OfSqliteAsync(database, cancellationToken));
    }

    [Fact]
    public void Parse_MemberNameWithNewlineAndEscape_ShownOnOneLineEscaped()
    {
        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse($$"""{"name": "n", "max\nEvals\u001b[31m": 1,{{Rest}}}""", "s.json"));

        Assert.StartsWith(@"s.json: $['max\u000aEvals\u001b[31m']: unknown member; accepted members here are ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TenThousandCharacterMemberName_CutInTheMessage()
    {
        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse($$"""{"name": "n", "{{new string('k', 10_000)}}": 1,{{Rest}}}""", "s.json"));

        Assert.StartsWith($"s.json: $.{new string('k', InputText.MaxShownLength)}...(10000 characters): unknown member", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_TenThousandCharacterBound_CutInTheMessage()
    {
        var error = Assert.Throws<ArgumentException>(() => SearchSpace.FromJson($$$"""{"x": {"$hp": "uniform", "low": "{{{new string('9', 10_000)}}}", "high": 1}}"""));

        Assert.Equal($"$.x.low: uniform low must be a finite number, got \"{new string('9', InputText.MaxShownLength - 1)}...(10002 characters)", error.Message);
    }

    [Fact]
    public void Tune_LabelWithNewlineInAnInvalidNode_OneLineWithTheLabelEscaped()
    {
        var path = Path.Combine(_directory, "label.json");
        File.WriteAllText(path, """{"name": "n", "objective": "branin", "maxEvals": 3, "space": {"l\nr": {"$hp": "uniform", "low": 1, "high": 0}}}""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = HqCommand.Run(["tune", path, "--tracking", $"sqlite:{Path.Combine(_directory, "runs.db")}"], stdout, stderr);

        Assert.Equal(ExitCodes.BadInput, code);
        var line = Assert.Single(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(@"'l\u000ar'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_PointOutsideTheSpace_MessageStartsWithTheFileLikeEveryOther()
    {
        var path = Path.Combine(_directory, "points.json");
        File.WriteAllText(path, $$"""{"name": "n", "pointsToEvaluate": [{"x1": 7}],{{Rest}}}""");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = HqCommand.Run(["tune", path, "--tracking", $"sqlite:{Path.Combine(_directory, "runs.db")}"], stdout, stderr);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith($"hq tune: {path}: $.pointsToEvaluate[0]: ", stderr.ToString(), StringComparison.Ordinal);
        // Rejected before the store was opened: not even the database file exists.
        Assert.False(File.Exists(Path.Combine(_directory, "runs.db")));
    }
}
