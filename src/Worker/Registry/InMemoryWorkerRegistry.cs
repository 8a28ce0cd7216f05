namespace HyperQueue.Worker.Registry;

/// <summary>The worker registry of embedded mode: the same rules as <see cref="RedisWorkerRegistry"/>, with
/// expiry read from the injected <see cref="TimeProvider"/>.</summary>
public sealed class InMemoryWorkerRegistry(TimeProvider timeProvider) : IWorkerRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (WorkerRegistration Registration, long Expiry)> _workers = new(StringComparer.Ordinal);

    public Task RegisterAsync(WorkerRegistration registration, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        RegistrationArguments.Registration(registration);
        var timeToLiveMilliseconds = RegistrationArguments.TimeToLiveMilliseconds(timeToLive);
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        lock (_gate)
        {
            _workers[registration.WorkerId] = (registration with { Objectives = [.. registration.Objectives] },
                now + timeToLiveMilliseconds);
            DropExpired(now);
        }

        return Task.CompletedTask;
    }

    public Task UnregisterAsync(string workerId, CancellationToken cancellationToken)
    {
        RegistrationArguments.WorkerId(workerId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            _workers.Remove(workerId);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkerRegistration>> GetLiveWorkersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        lock (_gate)
        {
            DropExpired(now);
            IReadOnlyList<WorkerRegistration> live =
                [.. _workers.Values.Select(worker => worker.Registration).OrderBy(worker => worker.WorkerId, StringComparer.Ordinal)];
            return Task.FromResult(live);
        }
    }

    /// <summary>Milliseconds since the Unix epoch, the resolution of the Redis registry's server clock.</summary>
    private long Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private void DropExpired(long now)
    {
        foreach (var (workerId, _) in _workers.Where(worker => worker.Value.Expiry <= now).ToList())
        {
            _workers.Remove(workerId);
        }
    }
}
