using System.Globalization;

namespace HyperQueue.Bench;

/// <summary>Command-line options of the benchmark suites (BENCHMARKS.md sections 1 and 2).</summary>
internal sealed record BenchOptions(
    string Suite, int Evals, int Seeds, IReadOnlyList<string> Algorithms, int Parallel, IReadOnlyList<string> Functions, IReadOnlyList<int> Trials, int FirstSeed)
{
    public const string Usage = """
        usage: quality [--evals 100] [--seeds 20] [--algo rand,tpe,tpe-hyperopt,anneal] [--parallel 1] [--fn branin,...,mixed] [--first-seed 0]
               suggest [--trials 100,1000,3000,10000] [--algo tpe]
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new ArgumentException("a suite is required");
        }

        var suite = args[0];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"option '{args[i]}' must be --name followed by a value");
            }

            values[args[i][2..]] = args[i + 1];
        }

        var defaultAlgorithms = suite == "suggest" ? "tpe" : "rand,tpe,tpe-hyperopt,anneal";
        var options = new BenchOptions(
            suite,
            Int(values, "evals", 100),
            Int(values, "seeds", 20),
            List(values, "algo", defaultAlgorithms),
            Int(values, "parallel", 1),
            List(values, "fn", string.Join(',', BenchmarkFunctions.ClosedForm.Select(f => f.Name))),
            [.. List(values, "trials", "100,1000,3000,10000").Select(t => ParseInt("trials", t))],
            values.TryGetValue("first-seed", out var firstSeed) ? ParseSeed(firstSeed) : 0);
        var unknown = values.Keys.Except(["evals", "seeds", "algo", "parallel", "fn", "trials", "first-seed"]).FirstOrDefault();
        return unknown is null ? options : throw new ArgumentException($"option '--{unknown}' is unknown");
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback) =>
        values.TryGetValue(name, out var text) ? ParseInt(name, text) : fallback;

    private static int ParseInt(string name, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"--{name} ({text}) must be a positive integer");

    private static int ParseSeed(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new ArgumentException($"--first-seed ({text}) must be a non-negative integer");

    private static string[] List(Dictionary<string, string> values, string name, string fallback) =>
        (values.TryGetValue(name, out var text) ? text : fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
