using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Registry;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Worker registry key '{Key}' does not hold a valid registration and is skipped: {Reason}")]
    public static partial void InvalidRegistration(ILogger logger, string key, string reason);
}
