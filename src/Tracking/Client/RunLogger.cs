using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Client;

/// <summary>
/// Logs into an existing run without owning it: what an objective gets for its trial's child run (MLflow's
/// <c>MlflowClient</c> calls bound to one run id). It never ends the run.
/// </summary>
public sealed class RunLogger : IRunLogger
{
    private readonly TrackingClient client;

    internal RunLogger(TrackingClient client, string runId)
    {
        this.client = client;
        RunId = runId;
    }

    public string RunId { get; }

    public Task LogParamAsync(string key, string value, CancellationToken cancellationToken = default) =>
        client.LogParamAsync(RunId, key, value, cancellationToken);

    public Task LogMetricAsync(string key, double value, long step = 0, CancellationToken cancellationToken = default) =>
        client.LogMetricAsync(RunId, key, value, step, cancellationToken: cancellationToken);

    public Task SetTagAsync(string key, string value, CancellationToken cancellationToken = default) =>
        client.SetTagAsync(RunId, key, value, cancellationToken);

    public Task LogArtifactAsync(string localPath, string? artifactPath = null, CancellationToken cancellationToken = default) =>
        client.LogArtifactAsync(RunId, localPath, artifactPath, cancellationToken);
}
