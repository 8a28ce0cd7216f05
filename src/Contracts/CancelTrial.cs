namespace HyperQueue.Contracts;

/// <summary>Published to cancel one running trial (for example a trial whose lease was reaped).</summary>
public sealed record CancelTrial
{
    public required Guid ExperimentId { get; init; }

    public required Guid TrialId { get; init; }

    public required string Reason { get; init; }
}
