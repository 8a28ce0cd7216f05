using System.Diagnostics;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Bench;

/// <summary>
/// BENCHMARKS.md section 2: time of one suggestion after N random trials on the 10-dimensional space
/// (4 uniform, 2 loguniform, 2 quniform, 2 choices of 4 strings), median of repeated suggestions.
/// </summary>
internal static class SuggestSuite
{
    private const int Repetitions = 31;
    private const int WarmUpSuggestions = 200;

    public static void Run(BenchOptions options, TextWriter output)
    {
        var space = Space();
        foreach (var name in options.Algorithms)
        {
            var algorithm = AlgorithmSpec.Parse(name);
            // Warm-up on a small history until tiered compilation has promoted the hot loops: a long-running
            // scheduler runs optimized code, a cold process would measure the JIT's first tier.
            // A history of 1,000 runs the window and vector paths that a history of 100 barely reaches.
            var small = History(space, 1000);
            for (var i = 0; i < WarmUpSuggestions; i++)
            {
                algorithm.Suggest(new SuggestionRequest(space, small, [], 1, 1000 + i, Seed: 1));
            }

            foreach (var trials in options.Trials)
            {
                var history = History(space, trials);
                algorithm.Suggest(new SuggestionRequest(space, history, [], 1, trials, Seed: 1));
                var times = new List<double>(Repetitions);
                for (var i = 0; i < Repetitions; i++)
                {
                    var request = new SuggestionRequest(space, history, [], 1, trials + i, Seed: 1);
                    var stopwatch = Stopwatch.StartNew();
                    algorithm.Suggest(request);
                    times.Add(stopwatch.Elapsed.TotalMilliseconds);
                }

                // min_ms is the least disturbed repetition: on a shared machine the median also measures other processes.
                output.WriteLine(JsonSerializer.Serialize(new { algo = name.Contains(':', StringComparison.Ordinal) ? name : algorithm.Name, trials, median_ms = Quantiles.Of(times, 0.5), min_ms = times.Min() }));
            }
        }
    }

    private static SearchSpace Space()
    {
        var nodes = new Dictionary<string, object?>();
        for (var i = 1; i <= 4; i++)
        {
            nodes[$"u{i}"] = Hp.Uniform($"u{i}", -5, 5);
        }

        for (var i = 1; i <= 2; i++)
        {
            nodes[$"lu{i}"] = Hp.LogUniform($"lu{i}", Math.Log(1e-4), 0);
            nodes[$"qu{i}"] = Hp.QUniform($"qu{i}", 1, 100, 1);
            nodes[$"c{i}"] = Hp.Choice($"c{i}", "a", "b", "c", "d");
        }

        return SearchSpace.Create(nodes);
    }

    private static List<TrialObservation> History(SearchSpace space, int trials)
    {
        var random = new Random(trials);
        var history = new List<TrialObservation>(trials);
        for (var t = 0; t < trials; t++)
        {
            var values = space.SamplePrior(random);
            var loss = Enumerable.Range(1, 4).Sum(i => Math.Pow(values[$"u{i}"]!.Value, 2))
                + values["lu1"]!.Value + values["lu2"]!.Value + (values["qu1"]!.Value + values["qu2"]!.Value) / 100;
            history.Add(new TrialObservation(values, loss, TrialStatus.Ok));
        }

        return history;
    }
}
