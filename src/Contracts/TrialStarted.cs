namespace HyperQueue.Contracts;

/// <summary>
/// Sent to the results queue by a worker whose trial is still running a short while after it started (the worker's
/// StartedNoticeDelay, 1 s by default); a trial that ends sooner is answered by its <see cref="TrialCompleted"/> alone.
/// </summary>
public sealed record TrialStarted
{
    public required Guid ExperimentId { get; init; }

    public required Guid TrialId { get; init; }

    public required string WorkerId { get; init; }

    public required int Attempt { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}
