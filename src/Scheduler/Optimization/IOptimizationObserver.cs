namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Watches one fmin call (tracking runs, the progress bar). Called in order: started, then for each trial
/// dispatching (the record exists with its id, number and parameters) and completed, then ended exactly once,
/// also when fmin fails or is cancelled. An observer's exception fails fmin.
/// </summary>
internal interface IOptimizationObserver
{
    Task ExperimentStartedAsync(OptimizationStarted started, CancellationToken cancellationToken);

    Task TrialDispatchingAsync(TrialRecord trial, CancellationToken cancellationToken);

    Task TrialCompletedAsync(TrialRecord trial, Trials trials, CancellationToken cancellationToken);

    Task ExperimentEndedAsync(OptimizationEnded ended, CancellationToken cancellationToken);
}
