namespace HyperQueue.Tracking.Runs;

/// <summary>
/// Logs into one run (MLflow's <c>log_param</c>, <c>log_metric</c>, <c>set_tag</c>, <c>log_artifact</c>).
/// Objectives get one for their trial's child run; they never start or end runs themselves.
/// </summary>
public interface IRunLogger
{
    string RunId { get; }

    /// <summary>Write-once: the same value again is a no-op, another value is an error naming the key and both values.</summary>
    Task LogParamAsync(string key, string value, CancellationToken cancellationToken = default);

    Task LogMetricAsync(string key, double value, long step = 0, CancellationToken cancellationToken = default);

    Task SetTagAsync(string key, string value, CancellationToken cancellationToken = default);

    /// <summary>Copies a local file under the run's artifact root; <paramref name="artifactPath"/> must be relative, without "..".</summary>
    Task LogArtifactAsync(string localPath, string? artifactPath = null, CancellationToken cancellationToken = default);
}
