namespace HyperQueue.Tracking.Runs;

/// <summary>One page of search results; <see cref="NextPageToken"/> is null on the last page (MLflow's <c>PagedList</c>).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);
