using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Bench;

/// <summary>A function to minimize over a search space, with its known minimum.</summary>
internal sealed record BenchmarkFunction(string Name, Func<SearchSpace> Space, Func<IReadOnlyDictionary<string, double?>, double> Loss, double Minimum);
