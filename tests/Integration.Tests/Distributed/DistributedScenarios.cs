using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// The acceptance scenarios of distributed trials, written once and run on RabbitMQ + Redis and in embedded mode,
/// so both modes are held to the same outcomes.
/// </summary>
internal static class DistributedScenarios
{
    public static readonly SearchSpace Space = SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", 0, 1) });

    /// <summary>60 trials of 200 ms at parallelism 6 on 8 worker slots: each completes once, at most 6 run at once.</summary>
    public static async Task AssertParallelismIsEnforcedAsync(QueueBackend backend, string objective, ObjectiveProbe probe, CancellationToken cancellationToken)
    {
        var trials = new QueueTrials(backend, objective, parallelism: 6);

        var result = await FMin.MinimizeAsync(trials, Space, Algo.Rand(), maxEvals: 60, seed: 7, showProgress: false, cancellationToken: cancellationToken);

        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        Assert.Equal(6, trials.Parallelism);
        Assert.Empty(trials.ParallelismWarnings);
        Assert.Equal(60, trials.All.Count);
        Assert.Equal(60, trials.All.Select(trial => trial.Id).Distinct().Count());
        Assert.All(trials.All, trial => Assert.Equal(TrialStatus.Ok, trial.Status));
        // Each evaluation ran exactly once: nothing was redelivered or retried on a healthy cluster.
        Assert.Equal(60, probe.Evaluations.Count);
        Assert.Equal(trials.All.Select(trial => trial.Id).Order(), probe.Evaluations.Order());
        // A slot is freed only when the scheduler has the result, after the objective returned: never above 6.
        // With 60 trials of 200 ms, 6 sent at once at the start and a new one per completion, 6 is reached.
        Assert.Equal(6, probe.MaxConcurrency);
    }

    /// <summary>
    /// fmin timeout 2 s, 1 s trials, parallelism 4: fmin returns at the deadline with the running trials cancelled,
    /// no trial started after it, and every result that arrived kept.
    /// </summary>
    public static async Task AssertTimeoutCancelsRunningTrialsAsync(QueueBackend backend, string objective, ObjectiveProbe probe, CancellationToken cancellationToken)
    {
        // Warm-up first (JIT, first endpoint connections): on a loaded machine they can take longer than the
        // 1 s margin this scenario leaves before the deadline, and the point here is the deadline, not start-up.
        await FMin.MinimizeAsync(
            new QueueTrials(backend, objective, parallelism: 1), Space, Algo.Rand(), maxEvals: 1, seed: 1, showProgress: false, cancellationToken: cancellationToken);
        var trials = new QueueTrials(backend, objective, parallelism: 4);

        var result = await FMin.MinimizeAsync(
            trials, Space, Algo.Rand(), maxEvals: 40, timeout: TimeSpan.FromSeconds(2), seed: 11, showProgress: false, cancellationToken: cancellationToken);

        Assert.Equal(StopReason.Timeout, result.StopReason);
        var deadline = (await backend.Store.GetExperimentAsync(trials.ExperimentId, cancellationToken)).Deadline;
        Assert.NotNull(deadline);
        var starts = trials.All.Where(trial => probe.Starts.ContainsKey(trial.Id)).ToDictionary(trial => trial.Id, trial => probe.Starts[trial.Id]);
        Assert.All(starts.Values, started => Assert.True(started < deadline, $"a trial started at {started:O}, after the deadline {deadline:O}"));
        Assert.All(trials.All, trial => Assert.Equal(TrialState.Completed, trial.State));
        var finished = probe.Finished.ToHashSet();
        // What ran to its end is ok; everything else (running at the deadline, or never started) is cancelled.
        Assert.All(trials.All, trial => Assert.Equal(finished.Contains(trial.Id) ? TrialStatus.Ok : TrialStatus.Cancelled, trial.Status));
        // Trials take 1 s and the deadline is at 2 s with 4 slots: the first wave ends in time (fmin would throw
        // otherwise: no trial ok), at most two waves start, and the trials started after the first wave are still
        // running at the deadline, so they are cancelled.
        Assert.InRange(result.Counts.Succeeded, 1, 8);
        var running = starts.Keys.Where(id => !finished.Contains(id)).ToList();
        Assert.NotEmpty(running);
        Assert.All(running, id => Assert.Equal(TrialStatus.Cancelled, trials[id].Status));
    }
}
