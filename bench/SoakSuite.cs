using System.Text.Json;
using HyperQueue.Scheduler.Hosting;

namespace HyperQueue.Bench;

/// <summary>
/// The soak run of issue 10: 10,000 no-op trials through RabbitMQ to two <c>hq worker</c> processes; the memory of
/// the scheduler (this process: working set and GC heap after a full collection) and of each worker (working set,
/// read from the operating system) after the first 1,000 trials, every 3,000 after that and after the last, so a
/// growth per trial shows as a slope rather than as one difference.
/// </summary>
internal static class SoakSuite
{
    private const int WorkerProcesses = 2;
    private const int FirstSnapshotAfter = 1000;
    private const int SnapshotEvery = 3000;

    public static async Task RunAsync(BenchOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var (broker, redis) = options.RequireServices();
        var trials = options.Trials[0];
        var slots = (options.Parallelism + WorkerProcesses - 1) / WorkerProcesses;
        var workers = DispatchRun.StartWorkers(broker, redis, WorkerProcesses, slots);
        try
        {
            await using var backend = await QueueBackend.ConnectAsync(broker, redis, cancellationToken: cancellationToken);
            await DispatchRun.WaitForWorkersAsync(backend, workers, cancellationToken);
            var snapshots = new List<object>();
            void Snapshot(int completed)
            {
                var heap = GC.GetTotalMemory(forceFullCollection: true);
                snapshots.Add(Line("scheduler", completed, Environment.WorkingSet, heap));
                for (var i = 0; i < workers.Length; i++)
                {
                    snapshots.Add(Line($"worker-{i + 1}", completed, workers[i].WorkingSet, null));
                }
            }

            var result = await DispatchRun.RunAsync(
                backend,
                0,
                trials,
                options.Parallelism,
                options.Tracking,
                workers,
                completed =>
                {
                    if (completed == FirstSnapshotAfter || (completed > FirstSnapshotAfter && completed < trials && (completed - FirstSnapshotAfter) % SnapshotEvery == 0))
                    {
                        Snapshot(completed);
                    }
                },
                cancellationToken);
            Snapshot(trials);
            foreach (var snapshot in snapshots)
            {
                output.WriteLine(JsonSerializer.Serialize(snapshot));
            }

            output.WriteLine(JsonSerializer.Serialize(new
            {
                mode = "rabbitmq",
                trials,
                parallelism = result.Parallelism,
                trials_per_s = Math.Round(result.TrialsPerSecond, 1),
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

    private static object Line(string process, int afterTrials, long workingSet, long? gcHeap) => new
    {
        process,
        after_trials = afterTrials,
        working_set_mb = Math.Round(workingSet / 1048576.0, 1),
        gc_heap_mb = gcHeap is { } heap ? Math.Round(heap / 1048576.0, 1) : (double?)null,
    };
}
