using HyperQueue.Contracts;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Worker.Objectives;

/// <summary>What an objective knows about the trial it evaluates.</summary>
public sealed class ObjectiveContext
{
    public required TrialParameters Parameters { get; init; }

    public required Guid ExperimentId { get; init; }

    public required Guid TrialId { get; init; }

    public required int TrialNumber { get; init; }

    public int Attempt { get; init; } = 1;

    /// <summary>The id of the trial's child run (MLflow's run id), or null when tracking is off.</summary>
    public string? RunId { get; init; }

    /// <summary>Where the trial's run lives (a tracking URI), for objectives that log by themselves; null when tracking is off.</summary>
    public string? TrackingUri { get; init; }

    /// <summary>The trial's own child run, for params, metrics, tags and artifacts; null when tracking is off.</summary>
    public IRunLogger? Run { get; init; }
}
