using System.Text;
using HyperQueue.Scheduler.Specs;

namespace HyperQueue.Scheduler.Tests.Specs;

public sealed class ExperimentSpecTests
{
    private const string Valid = """
        {
          "name": "branin-demo",
          "objective": "branin",
          "space": {"x1": {"$hp": "uniform", "low": -5, "high": 10}, "x2": {"$hp": "uniform", "low": 0, "high": 15}},
          "algo": "tpe",
          "maxEvals": 50,
          "maxQueueLen": 2,
          "parallelism": 4,
          "timeoutSeconds": 60,
          "trialTimeoutSeconds": 5.5,
          "lossThreshold": 0.4,
          "earlyStop": {"noProgress": {"trials": 20, "percent": 1}},
          "seed": 7,
          "pointsToEvaluate": [{"x1": 1, "x2": 2.5}],
          "tracking": {"enabled": false}
        }
        """;

    [Fact]
    public void Parse_CompleteSpec_ReadsEveryMember()
    {
        var spec = ExperimentSpec.Parse(Valid, "spec.json");

        Assert.Equal("branin-demo", spec.Name);
        Assert.Equal("branin", spec.Objective.Name);
        Assert.False(spec.Objective.IsCommand);
        Assert.Equal("tpe", spec.Algorithm.Name);
        Assert.Equal(50, spec.MaxEvals);
        Assert.Equal(2, spec.MaxQueueLen);
        Assert.Equal(4, spec.Parallelism);
        Assert.Equal(TimeSpan.FromSeconds(60), spec.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5.5), spec.TrialTimeout);
        Assert.Equal(0.4, spec.LossThreshold);
        Assert.Equal(new NoProgressSpec(20, 1), spec.NoProgress);
        Assert.Equal(7, spec.Seed);
        Assert.Equal(2.5, Assert.Single(spec.PointsToEvaluate)["x2"]);
        Assert.False(spec.TrackingEnabled);
    }

    [Fact]
    public void Parse_MinimalSpec_TakesHyperoptDefaults()
    {
        var spec = ExperimentSpec.Parse("""{"name": "n", "objective": "camel", "space": {}, "maxEvals": 3}""", "s");

        Assert.Equal(1, spec.MaxQueueLen);
        Assert.Equal("tpe", spec.Algorithm.Name);
        Assert.Null(spec.Parallelism);
        Assert.Null(spec.Timeout);
        Assert.True(spec.TrackingEnabled);
        Assert.Empty(spec.PointsToEvaluate);
    }

    [Theory]
    [InlineData("""{"objective": "b", "space": {}, "maxEvals": 3}""", "$.name: is required")]
    [InlineData("""{"name": "", "objective": "b", "space": {}, "maxEvals": 3}""", "$.name: must be 1 to 250 characters")]
    [InlineData("""{"name": "a\u0007b", "objective": "b", "space": {}, "maxEvals": 3}""", "$.name: must be 1 to 250 characters without control characters")]
    [InlineData("""{"name": 5, "objective": "b", "space": {}, "maxEvals": 3}""", "$.name: expected a string, got the number 5")]
    [InlineData("""{"name": "n", "space": {}, "maxEvals": 3}""", "$.objective: is required")]
    [InlineData("""{"name": "n", "objective": 3, "space": {}, "maxEvals": 3}""", "$.objective: expected an objective name")]
    [InlineData("""{"name": "n", "objective": "b", "maxEvals": 3}""", "$.space: is required")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}}""", "$.maxEvals: is required")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": "10"}""", "$.maxEvals: expected an integer, got the string \"10\"")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 2.5}""", "$.maxEvals: expected an integer, got the number 2.5")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 0}""", "$.maxEvals: 0 is out of range; it must be between 1 and 1000000")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 1e300}""", "$.maxEvals: expected an integer, got the number 1e300")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 99999999999999999999999}""", "$.maxEvals: expected an integer")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "maxEval": 4}""", "$.maxEval: unknown member")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "timeoutSeconds": -1}""", "bad.json: $.timeoutSeconds: -1 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "timeoutSeconds": 1e300}""", "bad.json: $.timeoutSeconds: 1E+300 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "timeoutSeconds": 1e-300}""", "bad.json: $.timeoutSeconds: 1E-300 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "timeoutSeconds": 31536000}""", "bad.json: $.timeoutSeconds: 31536000 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "trialTimeoutSeconds": 1e-300}""", "bad.json: $.trialTimeoutSeconds: 1E-300 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "trialTimeoutSeconds": 0.0009}""", "bad.json: $.trialTimeoutSeconds: 0.0009 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "trialTimeoutSeconds": 4294967.5}""", "bad.json: $.trialTimeoutSeconds: 4294967.5 must be a number of seconds from 0.001 to 4294967 (49.7 days)")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "maxQueueLen": 0}""", "$.maxQueueLen: 0 is out of range")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "seed": -1}""", "$.seed: -1 is out of range")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "earlyStop": {"noProgress": {"percent": 1}}}""", "$.earlyStop.noProgress.trials: is required")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "earlyStop": {"noProgres": {}}}""", "bad.json: $.earlyStop.noProgres: unknown member; accepted members here are noProgress")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "earlyStop": {"foo": 1}}""", "bad.json: $.earlyStop.foo: unknown member; accepted members here are noProgress")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "earlyStop": {}}""", "bad.json: $.earlyStop.noProgress: is required")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "earlyStop": {"noProgress": {"trial": 5}}}""", "bad.json: $.earlyStop.noProgress.trial: unknown member; accepted members here are percent, trials")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "pointsToEvaluate": [{"x": "a"}]}""", "$.pointsToEvaluate[0].x: expected a number")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "pointsToEvaluate": {}}""", "$.pointsToEvaluate: expected an array")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "tracking": {"enabled": "yes"}}""", "$.tracking.enabled: expected true or false")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "algo": 4}""", "$.algo: expected an algorithm name")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "maxEvals": 4}""", "not valid JSON")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": NaN}""", "not valid JSON")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3,}""", "not valid JSON")]
    [InlineData("{\"name\": \"n\",\n \"maxEvals\": 3,\n}", "bad.json: not valid JSON (line 3, byte 1: The JSON object contains a trailing comma at the end.)")]
    [InlineData("""[1, 2]""", "$: expected an object, got an array")]
    [InlineData("""{"name": "n", "objective": "b", "space": {}, "maxEval": 3}""", "bad.json: $.maxEval: unknown member; accepted members here are algo, earlyStop, lossThreshold, maxEvals, ")]
    public void Parse_InvalidSpec_NamesThePathAndRule(string json, string expected)
    {
        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse(json, "bad.json"));

        Assert.StartsWith("bad.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(4294967)]
    public void Parse_TimeoutsAtTheEndsOfTheirRange_AreAccepted(double seconds)
    {
        var json = $$"""{"name": "n", "objective": "b", "space": {}, "maxEvals": 3, "timeoutSeconds": {{seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}, "trialTimeoutSeconds": {{seconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}}""";

        var spec = ExperimentSpec.Parse(json, "s.json");

        Assert.Equal((TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds)), (spec.Timeout, spec.TrialTimeout));
    }

    [Fact]
    public void Parse_InvalidUtf8_IsRejectedAsSpecError()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"name": "X", "objective": "b", "space": {}, "maxEvals": 3}""");
        bytes[10] = 0xFF;

        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse(bytes, "bad.json"));

        Assert.Contains("bad.json: not valid", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeepNesting_IsRejectedAsSpecError()
    {
        var json = """{"name": "n", "objective": "b", "maxEvals": 3, "space": """ + new string('[', 100) + new string(']', 100) + "}";

        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Parse(json, "deep.json"));

        Assert.Contains("deep.json: not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var error = Assert.Throws<SpecException>(() => ExperimentSpec.Load(path));

        Assert.StartsWith(path + ": cannot read the spec file", error.Message, StringComparison.Ordinal);
    }
}
