namespace HyperQueue.Contracts;

/// <summary>Event sent to the results queue when a worker starts running a trial.</summary>
public sealed record TrialStarted
{
    public required Guid ExperimentId { get; init; }

    public required Guid TrialId { get; init; }

    public required string WorkerId { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}
