using System.Collections.Concurrent;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Worker.Hosting;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Tracking;

/// <summary>
/// The worker's default <see cref="ITrialRunLoggerFactory"/>: the objective's <c>context.Run</c> logs into the trial's
/// child run (<see cref="EvaluateTrial.RunId"/>) in the store at the tracking URI, as an MLflow run is reachable from
/// inside a Spark task. One <see cref="TrackingClient"/> per tracking URI serves every trial that names it (a store
/// keeps a connection pool and migrates once); the clients are disposed with the host.
/// </summary>
internal sealed class TrackingRunLoggerFactory(TimeProvider timeProvider, ILoggerFactory loggerFactory)
    : ITrialRunLoggerFactory, IAsyncDisposable
{
    // Lazy: GetOrAdd may run its factory twice under a race, and a second client would never be disposed.
    private readonly ConcurrentDictionary<string, Lazy<TrackingClient>> clients = new(StringComparer.Ordinal);
    private readonly ILogger logger = loggerFactory.CreateLogger<TrackingRunLoggerFactory>();
    private int disposed;

    /// <summary>
    /// The logger of the trial's run, or null when the trial has no run or no tracking URI (tracking off), or when the
    /// URI is not one a worker can write to: the trial then runs without a run, and the reason is logged.
    /// </summary>
    public IRunLogger? Create(EvaluateTrial trial, string? trackingUri)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref disposed) != 0, this);
        if (string.IsNullOrEmpty(trial.RunId) || string.IsNullOrWhiteSpace(trackingUri))
        {
            return null;
        }

        try
        {
            var client = clients.GetOrAdd(
                trackingUri,
                uri => new Lazy<TrackingClient>(() => TrackingClient.Create(uri, timeProvider: timeProvider, loggerFactory: loggerFactory)))
                .Value;
            return client.GetRunLogger(trial.RunId);
        }
        catch (Exception exception) when (exception is FormatException or NotSupportedException)
        {
            // The trial itself is fine; failing it for a tracking setting would lose a result the scheduler can still record.
            Log.TrackingUnavailable(logger, trial.TrialId, exception.Message);
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        foreach (var client in clients.Values.Where(client => client.IsValueCreated))
        {
            await client.Value.DisposeAsync();
        }

        clients.Clear();
    }
}
