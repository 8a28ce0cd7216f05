namespace HyperQueue.Tracking.Stores;

/// <summary>A row as Dapper reads it; settable properties let it convert INTEGER/BIGINT to long the same way on both databases.</summary>
internal sealed class TrialRow
{
    public string TrialId { get; set; } = string.Empty;

    public string ExperimentId { get; set; } = string.Empty;

    public string RunId { get; set; } = string.Empty;

    public string? ParentRunId { get; set; }
    public long Number { get; set; }
    public string State { get; set; } = string.Empty;

    public string? Status { get; set; }
    public double? Loss { get; set; }
    public double? LossVariance { get; set; }
    public string RawVals { get; set; } = "{}";

    public string Params { get; set; } = "null";

    public long Attempts { get; set; }
    public string? WorkerId { get; set; }
    public string? ErrorType { get; set; }
    public string? ErrorMessage { get; set; }
    public long? StartedAt { get; set; }
    public long? EndedAt { get; set; }
}
