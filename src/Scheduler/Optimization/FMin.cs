using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Hyperopt's <c>fmin</c>: minimizes an objective over a search space, recording every trial in a
/// <see cref="Trials"/> store. Objectives here run in this process; an exception in one is a failed trial.
/// </summary>
public static partial class FMin
{
    /// <summary>Hyperopt's <c>fmin</c> with a synchronous objective returning the loss.</summary>
    /// <param name="fn">The objective (hyperopt's <c>fn</c>).</param>
    /// <param name="space">The search space (hyperopt's <c>space</c>).</param>
    /// <param name="algo">The search algorithm (hyperopt's <c>algo</c>); TPE when null, as in hyperopt.</param>
    /// <param name="maxEvals">Hyperopt's <c>max_evals</c>: the number of trials the store may hold, failures and earlier calls included; null for no limit.</param>
    /// <param name="maxQueueLen">Hyperopt's <c>max_queue_len</c>: points suggested and evaluated at once (1 = one after another).</param>
    /// <param name="trials">Hyperopt's <c>trials</c>: the store to add to (resume); a new <see cref="Trials"/> when null.</param>
    /// <param name="timeout">Hyperopt's <c>timeout</c>: no trial starts after it, running ones are cancelled.</param>
    /// <param name="lossThreshold">Hyperopt's <c>loss_threshold</c>: stop once the best loss is at or below it.</param>
    /// <param name="earlyStop">Hyperopt's <c>early_stop_fn</c>, e.g. <see cref="EarlyStop.NoProgressLoss"/>.</param>
    /// <param name="seed">Hyperopt's <c>rstate</c>: same seed, same trials; the store's seed when null, else a random one.</param>
    /// <param name="pointsToEvaluate">Hyperopt's <c>points_to_evaluate</c>: raw points (choice = option index) run first, as given.</param>
    /// <param name="returnArgmin">Hyperopt's <c>return_argmin</c>: false leaves <see cref="FMinResult.Argmin"/> and <see cref="FMinResult.BestParameters"/> null.</param>
    /// <param name="showProgress">Hyperopt's <c>show_progressbar</c>: the bar on an interactive stderr and the summary line.</param>
    /// <param name="catchEvalExceptions">Hyperopt's <c>catch_eval_exceptions</c>: true (the default here, as on workers) records an objective's exception as a failed trial and goes on; false records it and rethrows it.</param>
    /// <param name="timeProvider">The clock for the timeout and trial times; the system clock when null.</param>
    /// <param name="tracking">Records the call as MLflow-style runs: into the client's active run if there is one (left open), else a new parent run; a child run per trial. Nothing is recorded when null.</param>
    /// <param name="experimentName">The tracking experiment of a new parent run; "Default" when null.</param>
    /// <param name="cancellationToken">Cancels fmin: running trials are recorded as cancelled, then it throws.</param>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static Task<FMinResult> MinimizeAsync(
        Func<TrialParameters, double> fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return RunAsync(
            (context, _) => Task.FromResult(ObjectiveResult.Ok(fn(context.Parameters))),
            space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
            pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken);
    }

    /// <summary>Hyperopt's <c>fmin</c> with a synchronous objective returning the loss, blocking until it returns.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static FMinResult Minimize(
        Func<TrialParameters, double> fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return Task.Run(
            () => MinimizeAsync(
                fn, space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
                pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken),
            CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Hyperopt's <c>fmin</c> with a synchronous objective returning hyperopt's result dictionary.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static Task<FMinResult> MinimizeAsync(
        Func<TrialParameters, ObjectiveResult> fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return RunAsync(
            (context, _) => Task.FromResult(fn(context.Parameters)),
            space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
            pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken);
    }

    /// <summary>Hyperopt's <c>fmin</c> with a synchronous objective returning hyperopt's result dictionary, blocking until it returns.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static FMinResult Minimize(
        Func<TrialParameters, ObjectiveResult> fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return Task.Run(
            () => MinimizeAsync(
                fn, space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
                pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken),
            CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Hyperopt's <c>fmin</c> with an asynchronous objective that honours its cancellation token.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static Task<FMinResult> MinimizeAsync(
        Func<TrialParameters, CancellationToken, Task<ObjectiveResult>> fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return RunAsync(
            (context, token) => fn(context.Parameters, token),
            space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
            pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken);
    }

    /// <summary>Hyperopt's <c>fmin</c> with an asynchronous objective that honours its cancellation token, blocking until it returns.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static FMinResult Minimize(
        Func<TrialParameters, CancellationToken, Task<ObjectiveResult>> fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return Task.Run(
            () => MinimizeAsync(
                fn, space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
                pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken),
            CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Hyperopt's <c>fmin</c> with an objective also served by workers.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static Task<FMinResult> MinimizeAsync(
        IObjective fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return RunAsync(
            (context, token) => fn.EvaluateAsync(context, token),
            space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
            pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken);
    }

    /// <summary>Hyperopt's <c>fmin</c> with an objective also served by workers, blocking until it returns.</summary>
    /// <inheritdoc cref="MinimizeAsync(Func{TrialParameters, double}, SearchSpace, ISearchAlgorithm, int?, int, Trials, TimeSpan?, double?, EarlyStopFunction, long?, IReadOnlyList{IReadOnlyDictionary{string, double?}}, bool, bool, bool, TimeProvider, TrackingClient, string, CancellationToken)" path="/param"/>
    /// <exception cref="AllTrialsFailedException">No trial finished with status ok.</exception>
    public static FMinResult Minimize(
        IObjective fn,
        SearchSpace space,
        ISearchAlgorithm? algo = null,
        int? maxEvals = null,
        int maxQueueLen = 1,
        Trials? trials = null,
        TimeSpan? timeout = null,
        double? lossThreshold = null,
        EarlyStopFunction? earlyStop = null,
        long? seed = null,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate = null,
        bool returnArgmin = true,
        bool showProgress = true,
        bool catchEvalExceptions = true,
        TimeProvider? timeProvider = null,
        TrackingClient? tracking = null,
        string? experimentName = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return Task.Run(
            () => MinimizeAsync(
                fn, space, algo, maxEvals, maxQueueLen, trials, timeout, lossThreshold, earlyStop, seed,
                pointsToEvaluate, returnArgmin, showProgress, catchEvalExceptions, timeProvider, tracking, experimentName, cancellationToken),
            CancellationToken.None).GetAwaiter().GetResult();
    }

    private static Task<FMinResult> RunAsync(
        Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> objective,
        SearchSpace space,
        ISearchAlgorithm? algo,
        int? maxEvals,
        int maxQueueLen,
        Trials? trials,
        TimeSpan? timeout,
        double? lossThreshold,
        EarlyStopFunction? earlyStop,
        long? seed,
        IReadOnlyList<IReadOnlyDictionary<string, double?>>? pointsToEvaluate,
        bool returnArgmin,
        bool showProgress,
        bool catchEvalExceptions,
        TimeProvider? timeProvider,
        TrackingClient? tracking,
        string? experimentName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(space);
        var clock = timeProvider ?? TimeProvider.System;
        var request = new OptimizationRequest
        {
            Objective = objective,
            Space = space,
            Algorithm = algo ?? Algo.Tpe(),
            Trials = trials ?? new Trials(),
            MaxEvals = maxEvals,
            MaxQueueLen = maxQueueLen,
            Timeout = timeout,
            LossThreshold = lossThreshold,
            EarlyStop = earlyStop,
            Seed = seed,
            PointsToEvaluate = pointsToEvaluate ?? [],
            ReturnArgmin = returnArgmin,
            CatchEvalExceptions = catchEvalExceptions,
            TimeProvider = clock,
            Observers = [
                .. tracking is null ? [] : new IOptimizationObserver[] { new AutologObserver(tracking, experimentName ?? "Default") },
                .. showProgress ? [ProgressReporter.ForConsole(clock)] : Array.Empty<IOptimizationObserver>(),
            ],
        };
        return OptimizationLoop.RunAsync(request, cancellationToken);
    }
}
