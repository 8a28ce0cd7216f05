using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Bench;

/// <summary>
/// BENCHMARKS.md section 1: best loss after N evaluations over S seeds (0 to S - 1; --first-seed moves them, so a
/// default can be tuned on one seed set and checked on another), per function and algorithm. With --parallel K, K
/// trials are always in flight: each new point is suggested while the other K - 1 are pending.
/// </summary>
internal static class QualitySuite
{
    public static void Run(BenchOptions options, TextWriter output)
    {
        foreach (var function in options.Functions.Select(BenchmarkFunctions.Find))
        {
            foreach (var name in options.Algorithms)
            {
                var algorithm = AlgorithmSpec.Parse(name);
                var bests = Enumerable.Range(options.FirstSeed, options.Seeds)
                    .Select(seed => Minimize(algorithm, function, options.Evals, options.Parallel, seed))
                    .ToArray();
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    fn = function.Name,
                    algo = name.Contains(':', StringComparison.Ordinal) ? name : algorithm.Name,
                    evals = options.Evals,
                    seeds = options.Seeds,
                    first_seed = options.FirstSeed,
                    parallel = options.Parallel,
                    median_best = Quantiles.Of(bests, 0.5),
                    q25 = Quantiles.Of(bests, 0.25),
                    q75 = Quantiles.Of(bests, 0.75),
                }));
            }
        }
    }

    private static double Minimize(ISearchAlgorithm algorithm, BenchmarkFunction function, int evals, int parallel, int seed)
    {
        var space = function.Space();
        var history = new List<TrialObservation>(evals);
        var pending = new Queue<IReadOnlyDictionary<string, double?>>();
        var started = 0;
        while (history.Count < evals)
        {
            var wanted = Math.Min(parallel - pending.Count, evals - started);
            if (wanted > 0)
            {
                foreach (var point in algorithm.Suggest(new SuggestionRequest(space, history, [.. pending], wanted, started, seed)))
                {
                    pending.Enqueue(point);
                }

                started += wanted;
            }

            // The oldest trial in flight finishes first, as with equally long trials.
            var finished = pending.Dequeue();
            history.Add(new TrialObservation(finished, function.Loss(finished), TrialStatus.Ok));
        }

        return history.Min(trial => trial.Loss!.Value);
    }
}
