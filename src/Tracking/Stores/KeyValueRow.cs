namespace HyperQueue.Tracking.Stores;

/// <summary>A row as Dapper reads it; settable properties let it convert INTEGER/BIGINT to long the same way on both databases.</summary>
internal sealed class KeyValueRow
{
    public string Key { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}
