using System.Diagnostics;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;

namespace HyperQueue.Bench;

/// <summary>One experiment of the dispatch suites: random search over the built-in <c>sleep</c> objective.</summary>
internal static class DispatchRun
{
    /// <summary>The objective every dispatch suite runs: it sleeps <c>seconds</c> (0: a no-op) and returns 0.</summary>
    public const string Objective = "sleep";

    /// <summary>How long to wait for the worker processes to register before giving up.</summary>
    private static readonly TimeSpan WorkerWait = TimeSpan.FromSeconds(60);

    public static SearchSpace Space(double seconds) =>
        SearchSpace.Create(new Dictionary<string, object?> { ["seconds"] = seconds, ["x"] = Hp.Uniform("x", 0, 1) });

    /// <summary>Runs <paramref name="trials"/> trials and fails unless every one of them finished ok.</summary>
    /// <remarks>
    /// Processor time is measured beside the wall time: on a shared machine the wall time also measures the other
    /// processes, while the processor time per trial is what the dispatch itself costs.
    /// </remarks>
    public static async Task<DispatchResult> RunAsync(
        QueueBackend backend,
        double seconds,
        int trials,
        int parallelism,
        string? trackingUri,
        IReadOnlyList<WorkerProcess> workers,
        Action<int>? onCompleted,
        CancellationToken cancellationToken)
    {
        var store = new QueueTrials(backend, Objective, parallelism);
        var timings = new DispatchTimings(onCompleted);
        List<IOptimizationObserver> observers = [timings];
        await using var tracking = trackingUri is null ? null : TrackingClient.Create(trackingUri);
        if (tracking is not null)
        {
            var autolog = new AutologObserver(tracking, "bench");
            store.RunIds = autolog.RunIdsOf;
            store.TrackingUri = trackingUri;
            observers.Add(autolog);
        }

        var request = store.CreateRequest(Space(seconds), Algo.Rand(), observers) with { MaxEvals = trials, Seed = 1 };
        using var scheduler = Process.GetCurrentProcess();
        var schedulerBefore = scheduler.TotalProcessorTime;
        var workersBefore = WorkersProcessorTime(workers);
        var stopwatch = Stopwatch.StartNew();
        var result = await OptimizationLoop.RunAsync(request, cancellationToken);
        var wall = stopwatch.Elapsed;
        scheduler.Refresh();
        var schedulerCpu = scheduler.TotalProcessorTime - schedulerBefore;
        var workersCpu = WorkersProcessorTime(workers) - workersBefore;
        var counts = result.Trials.Counts;
        if (counts.Succeeded != trials)
        {
            throw new InvalidOperationException($"{trials} trials were run but {counts} finished: every one must be ok");
        }

        return new DispatchResult(trials, store.Parallelism ?? parallelism, wall, timings.OverheadsMs, schedulerCpu, workersCpu);
    }

    private static TimeSpan WorkersProcessorTime(IReadOnlyList<WorkerProcess> workers) =>
        workers.Aggregate(TimeSpan.Zero, (total, worker) => total + worker.ProcessorTime);

    /// <summary>
    /// Waits until every one of <paramref name="workers"/> has registered; workers of an earlier run that were killed
    /// stay in the registry until their registration expires, so the processes are recognized by id.
    /// </summary>
    public static async Task WaitForWorkersAsync(QueueBackend backend, IReadOnlyList<WorkerProcess> workers, CancellationToken cancellationToken)
    {
        var giveUpAt = Stopwatch.GetTimestamp() + (long)(WorkerWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var live = await backend.Registry.GetLiveWorkersAsync(cancellationToken);
            if (workers.All(process => live.Any(worker => process.Registered(worker) && worker.Objectives.Contains(Objective))))
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > giveUpAt)
            {
                throw new InvalidOperationException(
                    $"the workers did not register within {WorkerWait.TotalSeconds:0} s; their output:{Environment.NewLine}"
                    + string.Join(Environment.NewLine, workers.Select(worker => worker.OutputTail)));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>Starts <paramref name="count"/> worker processes; the caller disposes them.</summary>
    public static WorkerProcess[] StartWorkers(Uri broker, string redis, int count, int slots) =>
        [.. Enumerable.Range(0, count).Select(_ => WorkerProcess.Start(broker, redis, slots))];
}

/// <summary>What one dispatch experiment measured.</summary>
/// <param name="Trials">How many trials ran (all ok).</param>
/// <param name="Parallelism">The parallelism the experiment ran with, after the clamps.</param>
/// <param name="Wall">The fmin call's wall time.</param>
/// <param name="OverheadsMs">Each trial's time from dispatch to its result recorded.</param>
/// <param name="SchedulerCpu">Processor time of this process (the scheduler; in embedded mode the workers too).</param>
/// <param name="WorkersCpu">Processor time of the worker processes.</param>
internal sealed record DispatchResult(
    int Trials, int Parallelism, TimeSpan Wall, IReadOnlyList<double> OverheadsMs, TimeSpan SchedulerCpu, TimeSpan WorkersCpu)
{
    public double TrialsPerSecond => Trials / Wall.TotalSeconds;

    public double SchedulerCpuMsPerTrial => SchedulerCpu.TotalMilliseconds / Trials;

    public double WorkersCpuMsPerTrial => WorkersCpu.TotalMilliseconds / Trials;
}
