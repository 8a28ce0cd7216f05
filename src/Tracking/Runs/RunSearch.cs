namespace HyperQueue.Tracking.Runs;

/// <summary>
/// Filters for <see cref="Client.TrackingClient.SearchRunsAsync"/> (MLflow's <c>search_runs</c> with the filters
/// HyperQueue needs): runs of one experiment, optionally only children of a parent and only one status, newest first.
/// </summary>
public sealed record RunSearch
{
    /// <summary>MLflow's default and maximum page size for run searches.</summary>
    public const int MaxPageSize = 1000;

    public required string ExperimentId { get; init; }

    public string? ParentRunId { get; init; }

    public RunStatus? Status { get; init; }

    /// <summary>At most this many runs per page (1 to <see cref="MaxPageSize"/>).</summary>
    public int MaxResults { get; init; } = MaxPageSize;

    /// <summary>The <see cref="Page{T}.NextPageToken"/> of the previous page, or null for the first page.</summary>
    public string? PageToken { get; init; }
}
