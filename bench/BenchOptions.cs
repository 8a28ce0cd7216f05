using System.Globalization;

namespace HyperQueue.Bench;

/// <summary>Command-line options of the benchmark suites (BENCHMARKS.md sections 1 to 4, and the soak run).</summary>
internal sealed record BenchOptions(
    string Suite, int Evals, int Seeds, IReadOnlyList<string> Algorithms, int Parallel, IReadOnlyList<string> Functions, IReadOnlyList<int> Trials, int FirstSeed)
{
    public const string Usage = """
        usage: quality [--evals 100] [--seeds 20] [--algo rand,tpe,tpe-hyperopt,anneal] [--parallel 1] [--fn branin,...,mixed] [--first-seed 0]
               suggest [--trials 100,1000,3000,10000] [--algo tpe]
               throughput --broker URI --redis HOST:PORT [--trials 5000] [--parallelism 64] [--tracking URI] [--mode rabbitmq,embedded]
               scaling --broker URI --redis HOST:PORT [--trials 320] [--parallelism 16]
               soak --broker URI --redis HOST:PORT [--trials 10000] [--parallelism 64]
        """;

    private static readonly string[] Known = ["evals", "seeds", "algo", "parallel", "fn", "trials", "broker", "redis", "parallelism", "tracking", "mode", "first-seed"];

    /// <summary>The RabbitMQ broker of the dispatch suites (<c>amqp://user:pass@host:port/vhost</c>).</summary>
    public Uri? Broker { get; init; }

    /// <summary>The Redis server of the dispatch suites (<c>host:port</c>).</summary>
    public string? Redis { get; init; }

    /// <summary>The experiment's parallelism in the dispatch suites.</summary>
    public int Parallelism { get; init; }

    /// <summary>Where the dispatch suites record runs; nothing is recorded when null.</summary>
    public string? Tracking { get; init; }

    /// <summary>Which transports the throughput suite measures: <c>rabbitmq</c>, <c>embedded</c> or both.</summary>
    public IReadOnlyList<string> Modes { get; init; } = [];

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

        var unknown = values.Keys.Except(Known).FirstOrDefault();
        if (unknown is not null)
        {
            throw new ArgumentException($"option '--{unknown}' is unknown");
        }

        var defaultAlgorithms = suite == "suggest" ? "tpe" : "rand,tpe,tpe-hyperopt,anneal";
        var (defaultTrials, defaultParallelism) = suite switch
        {
            "throughput" => ("5000", 64),
            "scaling" => ("320", 16),
            "soak" => ("10000", 64),
            _ => ("100,1000,3000,10000", 1),
        };
        return new BenchOptions(
            suite,
            Int(values, "evals", 100),
            Int(values, "seeds", 20),
            List(values, "algo", defaultAlgorithms),
            Int(values, "parallel", 1),
            List(values, "fn", string.Join(',', BenchmarkFunctions.ClosedForm.Select(f => f.Name))),
            [.. List(values, "trials", defaultTrials).Select(t => ParseInt("trials", t))],
            values.TryGetValue("first-seed", out var firstSeed) ? ParseSeed(firstSeed) : 0)
        {
            Broker = values.TryGetValue("broker", out var broker) ? ParseBroker(broker) : null,
            Redis = values.GetValueOrDefault("redis"),
            Parallelism = Int(values, "parallelism", defaultParallelism),
            Tracking = values.GetValueOrDefault("tracking"),
            Modes = ParseModes(List(values, "mode", "rabbitmq,embedded")),
        };
    }

    /// <summary>The broker and Redis server a dispatch suite needs, or an error naming the missing option.</summary>
    public (Uri Broker, string Redis) RequireServices() =>
        (Broker ?? throw new ArgumentException($"suite '{Suite}' needs --broker amqp://user:pass@host:port/vhost"),
         Redis ?? throw new ArgumentException($"suite '{Suite}' needs --redis host:port"));

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

    private static Uri ParseBroker(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps"
            ? uri
            : throw new ArgumentException($"--broker ({text}) must be an AMQP URI: amqp://user:pass@host:port/vhost");

    private static string[] ParseModes(string[] modes) =>
        modes.FirstOrDefault(mode => mode is not ("rabbitmq" or "embedded")) is { } bad
            ? throw new ArgumentException($"--mode ({bad}) must be rabbitmq, embedded or both, comma-separated")
            : modes;

    private static string[] List(Dictionary<string, string> values, string name, string fallback) =>
        (values.TryGetValue(name, out var text) ? text : fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
