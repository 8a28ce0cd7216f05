using System.Text.Json;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Objectives;

namespace HyperQueue.Bench;

/// <summary>
/// BENCHMARKS.md section 3: no-op trials through RabbitMQ and Redis to two <c>hq worker</c> processes, and through
/// the embedded in-memory mode; trials per second and the per-trial overhead (send to result recorded).
/// </summary>
internal static class ThroughputSuite
{
    private const int WorkerProcesses = 2;

    /// <summary>Trials run before the measured experiment so that the JIT and the connections are warm.</summary>
    private const int WarmUpTrials = 1000;

    public static async Task RunAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var trials = options.Trials[0];
        foreach (var mode in options.Modes)
        {
            var result = mode == "embedded"
                ? await RunEmbeddedAsync(trials, options, cancellationToken)
                : await RunRabbitMqAsync(trials, options, cancellationToken);
            output.WriteLine(JsonSerializer.Serialize(new
            {
                mode,
                trials,
                parallelism = result.Parallelism,
                trials_per_s = Math.Round(result.TrialsPerSecond, 1),
                p50_ms = Math.Round(Quantiles.Of(result.OverheadsMs, 0.5), 2),
                p99_ms = Math.Round(Quantiles.Of(result.OverheadsMs, 0.99), 2),
                scheduler_cpu_ms_per_trial = Math.Round(result.SchedulerCpuMsPerTrial, 3),
                workers_cpu_ms_per_trial = Math.Round(result.WorkersCpuMsPerTrial, 3),
                tracking = options.Tracking is not null,
                load_avg = LoadAverage.Read(),
            }));
        }
    }

    private static async Task<DispatchResult> RunRabbitMqAsync(int trials, BenchOptions options, CancellationToken cancellationToken)
    {
        var (broker, redis) = options.RequireServices();
        var slots = (options.Parallelism + WorkerProcesses - 1) / WorkerProcesses;
        var workers = DispatchRun.StartWorkers(broker, redis, WorkerProcesses, slots);
        try
        {
            await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
            await DispatchRun.WaitForWorkersAsync(backend, workers, cancellationToken);
            await DispatchRun.RunAsync(backend, 0, WarmUpTrials, options.Parallelism, options.Tracking, workers, null, cancellationToken);
            return await DispatchRun.RunAsync(backend, 0, trials, options.Parallelism, options.Tracking, workers, null, cancellationToken);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private static async Task<DispatchResult> RunEmbeddedAsync(int trials, BenchOptions options, CancellationToken cancellationToken)
    {
        await using var backend = await QueueBackend.StartEmbeddedAsync(
            worker => worker.AddBuiltInObjectives(), options.Parallelism, cancellationToken: cancellationToken);
        await DispatchRun.RunAsync(backend, 0, WarmUpTrials, options.Parallelism, options.Tracking, [], null, cancellationToken);
        return await DispatchRun.RunAsync(backend, 0, trials, options.Parallelism, options.Tracking, [], null, cancellationToken);
    }
}
