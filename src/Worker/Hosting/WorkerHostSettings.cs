namespace HyperQueue.Worker.Hosting;

/// <summary>What <c>hq worker</c> is given on its command line; see <see cref="WorkerHost"/>.</summary>
public sealed record WorkerHostSettings
{
    /// <summary>The RabbitMQ broker, <c>amqp://user:pass@host:port/vhost</c> (or <c>amqps://</c>).</summary>
    public required Uri Broker { get; init; }

    /// <summary>Redis for leases and the worker registry, <c>host:port</c> or a StackExchange.Redis configuration string.</summary>
    public required string Redis { get; init; }

    /// <summary>Where objectives log their runs from this worker; null keeps the tracking URI each trial carries.</summary>
    public string? TrackingUri { get; init; }

    /// <summary>A worker objectives file (see <see cref="Commands.WorkerObjectivesFile"/>) whose command objectives this worker serves.</summary>
    public string? ObjectivesFile { get; init; }

    /// <summary>Trials run at once per objective; null for <see cref="WorkerOptions.Slots"/>'s default (the processor count).</summary>
    public int? Slots { get; init; }

    /// <summary>This worker's id; null for <see cref="WorkerOptions.WorkerId"/>'s default (host, process id, random suffix).</summary>
    public string? WorkerId { get; init; }

    /// <summary>More objectives and services (built-in objectives, the run logger factory of a tracking store).</summary>
    public Action<WorkerBuilder>? ConfigureWorker { get; init; }
}
