using System.Text.Json;
using HyperQueue.Scheduler.Cli;

namespace HyperQueue.Scheduler.Tests.Cli;

public sealed class SampleCommandTests : IDisposable
{
    private const string Space = """
        {"lr": {"$hp": "loguniform", "low": -5, "high": 0},
         "model": {"$hp": "choice", "options": [{"kind": "a"}, {"kind": "b", "depth": {"$hp": "randint", "low": 1, "high": 4}}]}}
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("hq-sample-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Run_SpecFile_PrintsCountEvaluatedObjects()
    {
        var spec = Write("spec.json", $$"""{"name": "demo", "objective": "x", "space": {{Space}}}""");

        var (code, stdout, stderr) = Run(spec, "--count", "20", "--seed", "4");

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(20, lines.Length);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            var model = document.RootElement.GetProperty("model");
            Assert.InRange(document.RootElement.GetProperty("lr").GetDouble(), Math.Exp(-5), 1);
            Assert.Equal(model.GetProperty("kind").GetString() == "b", model.TryGetProperty("depth", out var depth));
            if (depth.ValueKind == JsonValueKind.Number)
            {
                Assert.Matches("^[1-3]$", depth.GetRawText());
            }
        }
    }

    [Fact]
    public void Run_OptionsWithQuotesAngleBracketsAndAccents_PrintedAsWrittenWithJsonEscapesOnly()
    {
        var space = Write("space.json", """{"note": {"$hp": "choice", "options": ["<b>it's</b> café", "tab\there \"quoted\""]}}""");

        var (code, stdout, stderr) = Run(space, "--count", "12", "--seed", "1");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["{\"note\":\"<b>it's</b> café\"}", "{\"note\":\"tab\\there \\\"quoted\\\"\"}"], lines);
    }

    [Fact]
    public void Run_BareSpaceFileAndSpecFile_SameSeedSameOutput()
    {
        var bare = Write("space.json", Space);
        var spec = Write("spec.json", $$"""{"space": {{Space}}}""");

        var first = Run(bare, "--count", "10", "--seed", "11");
        var second = Run(spec, "--seed", "11", "--count", "10");

        Assert.Equal(0, first.Code);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.NotEqual(first.Stdout, Run(bare, "--count", "10", "--seed", "12").Stdout);
    }

    [Fact]
    public void Run_NegativeSeed_ExitsTwoNamingTheFlagAndTheRule()
    {
        var bare = Write("space.json", Space);

        var (code, stdout, stderr) = Run(bare, "--count", "3", "--seed", "-1");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("hq: --seed must be 0 or more, got -1", stderr.Trim());
    }

    [Fact]
    public void Run_NoSeed_PrintsTheSeedItUsed()
    {
        var bare = Write("space.json", Space);

        var (code, stdout, stderr) = Run(bare, "--count", "3");
        var seed = stderr.Trim().Split(' ')[^1];

        Assert.Equal(0, code);
        Assert.StartsWith("hq sample: seed ", stderr, StringComparison.Ordinal);
        Assert.Equal(stdout, Run(bare, "--count", "3", "--seed", seed).Stdout);
    }

    [Fact]
    public void Run_QuantizedLowOffGrid_WarnsOnStderr()
    {
        var bare = Write("space.json", """{"n": {"$hp": "quniform", "low": 1, "high": 10, "q": 2}}""");

        var (code, stdout, stderr) = Run(bare, "--count", "1", "--seed", "1");

        Assert.Equal(0, code);
        Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hq sample: warning: quniform 'n': low (1) is not a multiple of q (2)", stderr, StringComparison.Ordinal);
    }

    // The parser's own words for each mistake; what matters is exit code 2, nothing on stdout, and the bad token named.
    [Theory]
    [InlineData(new string[0], "Required argument missing")]
    [InlineData(new[] { "SPEC" }, "--count")]
    [InlineData(new[] { "SPEC", "--count" }, "--count")]
    [InlineData(new[] { "SPEC", "--count", "ten" }, "ten")]
    [InlineData(new[] { "SPEC", "--count", "-1" }, "--count must be 0 or more, got -1")]
    [InlineData(new[] { "SPEC", "--count", "1", "--seed", "x" }, "x")]
    [InlineData(new[] { "SPEC", "--count", "1", "--colour" }, "--colour")]
    [InlineData(new[] { "SPEC", "other.json", "--count", "1" }, "other.json")]
    public void Run_BadArguments_ExitsTwoWithMessage(string[] args, string named)
    {
        var spec = Write("spec.json", Space);

        var (code, stdout, stderr) = Run([.. args.Select(a => a == "SPEC" ? spec : a)]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("hq: ", stderr, StringComparison.Ordinal);
        Assert.Contains(named, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InvalidSpace_ExitsTwoNamingJsonPath()
    {
        var spec = Write("spec.json", """{"space": {"a": {"$hp": "normal", "mu": 0, "sigma": 0}}}""");

        var (code, _, stderr) = Run(spec, "--count", "1");

        Assert.Equal(2, code);
        Assert.Equal($"hq sample: {spec}: $.a: normal 'a': sigma (0) must be greater than 0", stderr.TrimEnd());
    }

    [Fact]
    public void Run_LogNormalWhoseDrawsCanOverflow_ExitsTwoNamingTheRuleInsteadOfCrashingOnADraw()
    {
        var spec = Write("spec.json", """{"space": {"loss": {"$hp": "lognormal", "mu": 700, "sigma": 100}}}""");

        var (code, stdout, stderr) = Run(spec, "--count", "5", "--seed", "1");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            $"hq sample: {spec}: $.loss: lognormal 'loss': mu + 8 sigma (700 + 8 * 100 = 1500) is in log space and exp of it overflows a double; it must be at most 709.78 (a draw beyond 8 sigma has probability about 6e-16)",
            stderr.TrimEnd());
    }

    [Fact]
    public void Run_MissingFile_ExitsTwo()
    {
        var missing = Path.Combine(directory, "missing.json");

        var (code, _, stderr) = Run(missing, "--count", "1");

        Assert.Equal(2, code);
        Assert.StartsWith($"hq sample: {missing}: ", stderr, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = HqCommand.Run(["sample", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
