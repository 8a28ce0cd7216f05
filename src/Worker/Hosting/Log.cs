using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 2200, Level = LogLevel.Information, Message = "Worker {WorkerId}: no worker registry configured; the scheduler will not count this worker's slots")]
    public static partial void NoRegistry(ILogger logger, string workerId);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Worker {WorkerId}: registry update failed; retrying at the next heartbeat")]
    public static partial void RegistrationFailed(ILogger logger, Exception exception, string workerId);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Worker {WorkerId} serving {Objectives} with {Slots} slots")]
    public static partial void WorkerStarting(ILogger logger, string workerId, IReadOnlyList<string> objectives, int slots);
}
