namespace HyperQueue.Tracking.Stores;

/// <summary>A row as Dapper reads it; settable properties let it convert INTEGER/BIGINT to long the same way on both databases.</summary>
internal sealed class ExperimentRow
{
    public string ExperimentId { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string ArtifactLocation { get; set; } = string.Empty;

    public long CreationTime { get; set; }
}
