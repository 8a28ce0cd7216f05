using System.Data.Common;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Client;

/// <summary>
/// A run started by <see cref="TrackingClient.StartRunAsync"/> (MLflow's <c>ActiveRun</c>): logs into the run and ends
/// it when disposed, as FINISHED unless it was already ended with another status (<see cref="EndAsync"/>,
/// <see cref="FailAsync"/>). Ending it ends only this run, never its parent.
/// </summary>
public sealed class ActiveRun : IRunLogger, IAsyncDisposable
{
    private readonly TrackingClient client;
    private readonly bool isActive;
    private int ended;

    internal ActiveRun(TrackingClient client, RunInfo info, ActiveRun? previous, bool isActive)
    {
        this.client = client;
        Info = info;
        Previous = previous;
        this.isActive = isActive;
    }

    /// <summary>The run as it was created (status RUNNING); read the stored state with <see cref="TrackingClient.GetRunAsync"/>.</summary>
    public RunInfo Info { get; }

    public string RunId => Info.RunId;

    public string ExperimentId => Info.ExperimentId;

    /// <summary>True once the run was ended (or failed to start); an ended run is never the active run.</summary>
    public bool IsEnded => Volatile.Read(ref ended) != 0;

    internal ActiveRun? Previous { get; }

    /// <summary>Marks a run whose creation failed, so it never counts as active.</summary>
    internal void MarkEnded() => Volatile.Write(ref ended, 1);

    public Task LogParamAsync(string key, string value, CancellationToken cancellationToken = default) =>
        client.LogParamAsync(RunId, key, value, cancellationToken);

    public Task LogMetricAsync(string key, double value, long step = 0, CancellationToken cancellationToken = default) =>
        client.LogMetricAsync(RunId, key, value, step, cancellationToken: cancellationToken);

    public Task SetTagAsync(string key, string value, CancellationToken cancellationToken = default) =>
        client.SetTagAsync(RunId, key, value, cancellationToken);

    public Task LogArtifactAsync(string localPath, string? artifactPath = null, CancellationToken cancellationToken = default) =>
        client.LogArtifactAsync(RunId, localPath, artifactPath, cancellationToken);

    /// <summary>Ends the run with <paramref name="status"/>; later calls and disposal do nothing.</summary>
    public Task EndAsync(RunStatus status, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref ended, 1) != 0)
        {
            return Task.CompletedTask;
        }

        // Not async on purpose: restoring the previous active run must happen in the caller's async context.
        if (isActive)
        {
            client.RestoreActive(this);
        }

        return client.EndRunAsync(RunId, status, cancellationToken);
    }

    /// <summary>Records the exception as tags <c>error.type</c> and <c>error.message</c> and ends the run as FAILED.</summary>
    public async Task FailAsync(Exception exception, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (IsEnded)
        {
            return;
        }

        var message = RunDataRules.ToStorableTagValue(exception.Message);
        await client.LogBatchAsync(
            RunId,
            tags: [new("error.type", exception.GetType().FullName ?? exception.GetType().Name), new("error.message", message)],
            cancellationToken: cancellationToken);
        await EndAsync(RunStatus.Failed, cancellationToken);
    }

    /// <summary>Ends the run as FINISHED unless it already ended; a store failure here is logged, not thrown.</summary>
    public ValueTask DisposeAsync()
    {
        if (IsEnded)
        {
            return ValueTask.CompletedTask;
        }

        var ending = EndAsync(RunStatus.Finished, CancellationToken.None);
        return new ValueTask(ObserveAsync(ending));

        async Task ObserveAsync(Task task)
        {
            try
            {
                await task;
            }
            catch (Exception exception) when (exception is DbException or IOException or TimeoutException)
            {
                client.LogEndFailure(exception, RunId, RunStatus.Finished);
            }
        }
    }
}
