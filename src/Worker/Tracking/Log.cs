using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Tracking;

internal static partial class Log
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "Trial {TrialId} runs without its tracking run: {Reason}")]
    public static partial void TrackingUnavailable(ILogger logger, Guid trialId, string reason);
}
