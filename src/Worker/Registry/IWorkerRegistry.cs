namespace HyperQueue.Worker.Registry;

/// <summary>Which workers are alive, with their slots and objectives; a worker stays live while it heartbeats.</summary>
public interface IWorkerRegistry
{
    /// <summary>Registers or refreshes the worker for <paramref name="timeToLive"/>; call it again as a heartbeat.</summary>
    Task RegisterAsync(WorkerRegistration registration, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Removes the worker at once (a clean shutdown); unknown ids are ignored.</summary>
    Task UnregisterAsync(string workerId, CancellationToken cancellationToken);

    /// <summary>The workers whose last registration has not expired, ordered by worker id.</summary>
    Task<IReadOnlyList<WorkerRegistration>> GetLiveWorkersAsync(CancellationToken cancellationToken);
}
