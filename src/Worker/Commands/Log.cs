using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Commands;

internal static partial class Log
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Debug, Message = "Command objective {Objective} started process {ProcessId} for trial {TrialId}")]
    public static partial void CommandStarted(ILogger logger, string objective, int processId, Guid trialId);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Command objective {Objective}: killed the process tree of {ProcessId}")]
    public static partial void CommandKilled(ILogger logger, string objective, int processId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Command objective {Objective}: could not kill process {ProcessId}: {Reason}")]
    public static partial void KillFailed(ILogger logger, string objective, int processId, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Command objective {Objective} closed stdin before reading its parameters: {Reason}")]
    public static partial void StdinClosedEarly(ILogger logger, string objective, string reason);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Command objective {Objective}, trial {TrialId}: ignored a malformed metric line: {Reason}")]
    public static partial void MalformedMetric(ILogger logger, string objective, Guid trialId, string reason);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Command objective {Objective}, trial {TrialId}: could not log metric {Metric}")]
    public static partial void MetricNotLogged(ILogger logger, Exception exception, string objective, Guid trialId, string metric);
}
