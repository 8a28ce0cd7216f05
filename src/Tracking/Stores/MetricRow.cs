namespace HyperQueue.Tracking.Stores;

/// <summary>A row as Dapper reads it; settable properties let it convert INTEGER/BIGINT to long the same way on both databases.</summary>
internal sealed class MetricRow
{
    public string Key { get; set; } = string.Empty;

    public double Value { get; set; }
    public long IsNan { get; set; }
    public long Step { get; set; }
    public long Timestamp { get; set; }
}
