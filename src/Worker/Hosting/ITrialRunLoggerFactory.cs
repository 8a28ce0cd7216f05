using HyperQueue.Contracts;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Worker.Hosting;

/// <summary>
/// Opens the logger of a trial's child run (<see cref="EvaluateTrial.RunId"/>) for the objective's
/// <c>context.Run</c>, like MLflow's active run inside a Spark task. <c>AddHyperQueueWorker</c> registers one that writes
/// to the store at the trial's tracking URI; register your own to replace it. A logger that is
/// <see cref="IAsyncDisposable"/> is disposed after the trial.
/// </summary>
public interface ITrialRunLoggerFactory
{
    /// <summary>The trial's run logger, or null when the trial has no run (tracking off for that experiment).</summary>
    IRunLogger? Create(EvaluateTrial trial, string? trackingUri);
}
