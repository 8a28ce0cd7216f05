namespace HyperQueue.Tracking.Stores;

/// <summary>A row as Dapper reads it; settable properties let it convert INTEGER/BIGINT to long the same way on both databases.</summary>
internal sealed class RunRow
{
    public string RunId { get; set; } = string.Empty;

    public string ExperimentId { get; set; } = string.Empty;

    public string? RunName { get; set; }
    public string Status { get; set; } = string.Empty;

    public long StartTime { get; set; }
    public long? EndTime { get; set; }
    public string? ParentRunId { get; set; }
    public string ArtifactUri { get; set; } = string.Empty;
}
