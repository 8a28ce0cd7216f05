using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;

namespace HyperQueue.Scheduler.Optimization;

public static partial class FMin
{
    /// <summary>
    /// Hyperopt's <c>fmin</c> with <c>trials=SparkTrials(...)</c>: the objective is the one workers serve under
    /// <see cref="QueueTrials.Objective"/>, and trials run on them with the store's parallelism. With
    /// <paramref name="tracking"/>, the call is recorded as a parent run (or into the client's active run) with a
    /// child run per trial, as hyperopt does with MLflow.
    /// </summary>
    /// <param name="trials">The distributed store (hyperopt's <c>trials</c>); pass it again to resume.</param>
    /// <param name="space">The search space (hyperopt's <c>space</c>).</param>
    /// <param name="algo">The search algorithm (hyperopt's <c>algo</c>); TPE when null.</param>
    /// <param name="maxEvals">Hyperopt's <c>max_evals</c>, counting every trial in the store.</param>
    /// <param name="maxQueueLen">Hyperopt's <c>max_queue_len</c>: points suggested at once.</param>
    /// <param name="timeout">Hyperopt's <c>timeout</c>: no trial starts after it; running ones are cancelled on every worker.</param>
    /// <param name="lossThreshold">Hyperopt's <c>loss_threshold</c>.</param>
    /// <param name="earlyStop">Hyperopt's <c>early_stop_fn</c>.</param>
    /// <param name="seed">Hyperopt's <c>rstate</c>.</param>
    /// <param name="pointsToEvaluate">Hyperopt's <c>points_to_evaluate</c> (raw: choice = option index).</param>
    /// <param name="returnArgmin">Hyperopt's <c>return_argmin</c>.</param>
    /// <param name="showProgress">Hyperopt's <c>show_progressbar</c>.</param>
    /// <param name="tracking">Where to record runs; nothing is recorded when null.</param>
    /// <param name="experimentName">The tracking experiment of the parent run; "Default" when null.</param>
    /// <param name="cancellationToken">Cancels fmin and the running trials.</param>
    public static Task<FMinResult> MinimizeAsync(
        QueueTrials trials,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(space);
        var observers = new List<IOptimizationObserver>();
        if (tracking is not null)
        {
            var autolog = new AutologObserver(tracking, experimentName ?? "Default", trials.ResumedParentRunId);
            trials.RunIds = autolog.RunIdsOf;
            observers.Add(autolog);
        }

        if (showProgress)
        {
            observers.Add(ProgressReporter.ForConsole(trials.Time));
        }

        return OptimizationLoop.RunAsync(
            trials.CreateRequest(space, algo ?? Algo.Tpe(), observers) with
            {
                MaxEvals = maxEvals,
                MaxQueueLen = maxQueueLen,
                Timeout = timeout,
                LossThreshold = lossThreshold,
                EarlyStop = earlyStop,
                Seed = seed,
                PointsToEvaluate = pointsToEvaluate ?? [],
                ReturnArgmin = returnArgmin,
            },
            cancellationToken);
    }
}
