using System.Collections.Concurrent;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Worker.Tests.Commands;

/// <summary>A run logger that keeps what it was given.</summary>
internal sealed class RecordingRunLogger(string runId) : IRunLogger
{
    public string RunId { get; } = runId;

    public ConcurrentQueue<(string Key, double Value, long Step)> Metrics { get; } = new();

    public Task LogParamAsync(string key, string value, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task LogMetricAsync(string key, double value, long step = 0, CancellationToken cancellationToken = default)
    {
        Metrics.Enqueue((key, value, step));
        return Task.CompletedTask;
    }

    public Task SetTagAsync(string key, string value, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task LogArtifactAsync(string localPath, string? artifactPath = null, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
