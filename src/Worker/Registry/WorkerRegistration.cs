namespace HyperQueue.Worker.Registry;

/// <summary>A live worker as the scheduler sees it: SparkTrials reads its default parallelism from the cluster's
/// executors; <c>QueueTrials</c> reads it from the slots of the live workers that serve the objective.</summary>
/// <param name="WorkerId">Unique per worker process.</param>
/// <param name="Host">Where it runs, for operators.</param>
/// <param name="Slots">Trials it runs at once (its ConcurrentMessageLimit).</param>
/// <param name="Objectives">Names of the objectives it serves.</param>
public sealed record WorkerRegistration(string WorkerId, string Host, int Slots, IReadOnlyList<string> Objectives);
