namespace HyperQueue.Contracts;

/// <summary>
/// Published when an experiment ends early (timeout, loss threshold, early stop, user cancel); every worker
/// receives it on its own temporary endpoint and cancels that experiment's running trials.
/// </summary>
public sealed record CancelExperiment
{
    public required Guid ExperimentId { get; init; }

    public required string Reason { get; init; }
}
