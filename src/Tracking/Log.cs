using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Stores;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking;

internal static partial class Log
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Tracking store ({Kind}) migrated from schema version {From} to {To}")]
    public static partial void SchemaMigrated(ILogger logger, TrackingStoreKind kind, long from, int to);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Debug, Message = "Run {RunId} started in experiment {ExperimentId} (parent {ParentRunId})")]
    public static partial void RunStarted(ILogger logger, string runId, string experimentId, string? parentRunId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Run {RunId} ended as {Status}")]
    public static partial void RunEnded(ILogger logger, string runId, RunStatus status);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "Run {RunId} could not be ended as {Status} when its scope was disposed")]
    public static partial void RunEndFailed(ILogger logger, Exception exception, string runId, RunStatus status);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "Tracking store lost its database connection (attempt {Attempt} of {MaxAttempts}); running the operation again on a new one")]
    public static partial void TrackingConnectionLost(ILogger logger, Exception exception, int attempt, int maxAttempts);
}
