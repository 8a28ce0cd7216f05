using System.Text.Json;
using HyperQueue.Scheduler.Hosting;

namespace HyperQueue.Bench;

/// <summary>
/// BENCHMARKS.md section 4: trials that sleep 100 ms on 4 <c>hq worker</c> processes of 4 slots each, parallelism
/// 16, 320 trials; the wall time against the ideal (trials x 100 ms / parallelism = 2.0 s).
/// </summary>
internal static class ScalingSuite
{
    private const int WorkerProcesses = 4;
    private const int SlotsPerWorker = 4;
    private const double TrialSeconds = 0.1;

    public static async Task RunAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var (broker, redis) = options.RequireServices();
        var trials = options.Trials[0];
        var workers = DispatchRun.StartWorkers(broker, redis, WorkerProcesses, SlotsPerWorker);
        try
        {
            await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
            await DispatchRun.WaitForWorkersAsync(backend, workers, cancellationToken);
            // A short warm-up run: the first trials of a cold process would measure the JIT.
            await DispatchRun.RunAsync(backend, TrialSeconds, 4 * options.Parallelism, options.Parallelism, options.Tracking, workers, null, cancellationToken);
            var result = await DispatchRun.RunAsync(backend, TrialSeconds, trials, options.Parallelism, options.Tracking, workers, null, cancellationToken);
            var ideal = trials * TrialSeconds / result.Parallelism;
            output.WriteLine(JsonSerializer.Serialize(new
            {
                mode = "rabbitmq",
                trials,
                parallelism = result.Parallelism,
                workers = WorkerProcesses,
                slots = SlotsPerWorker,
                wall_s = Math.Round(result.Wall.TotalSeconds, 3),
                ideal_s = ideal,
                wall_over_ideal = Math.Round(result.Wall.TotalSeconds / ideal, 3),
                tracking = options.Tracking is not null,
                load_avg = LoadAverage.Read(),
            }));
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }
}
