using HyperQueue.Contracts;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Trials;

internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Trial {TrialId} (experiment {ExperimentId}, objective {Objective}, attempt {Attempt}) started")]
    public static partial void TrialStarted(ILogger logger, Guid trialId, Guid experimentId, string objective, int attempt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Trial {TrialId} finished with status {Status} in {DurationMs} ms")]
    public static partial void TrialFinished(ILogger logger, Guid trialId, TrialStatus status, long durationMs);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Trial {TrialId} rejected: {Reason}")]
    public static partial void TrialRejected(ILogger logger, Guid trialId, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Trial {TrialId} not started: {Reason}")]
    public static partial void TrialNotStarted(ILogger logger, Guid trialId, string reason);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Trial {TrialId}: lease lost, the scheduler has reaped it; no result is sent")]
    public static partial void LeaseLost(ILogger logger, Guid trialId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Trial {TrialId}: lease renewal failed; retrying at the next heartbeat")]
    public static partial void RenewalFailed(ILogger logger, Exception exception, Guid trialId);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Trial {TrialId} is already running on this worker; the duplicate delivery is dropped")]
    public static partial void DuplicateDelivery(ILogger logger, Guid trialId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Experiment {ExperimentId} cancelled ({Reason}): {Count} running trials cancelled")]
    public static partial void ExperimentCancelled(ILogger logger, Guid experimentId, string reason, int count);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Information, Message = "Trial {TrialId} cancelled ({Reason}); running here: {RunningHere}")]
    public static partial void TrialCancelled(ILogger logger, Guid trialId, string reason, bool runningHere);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Trial {TrialId} stopped without a result ({Reason}); its next attempt answers")]
    public static partial void TrialNotAnswered(ILogger logger, Guid trialId, string? reason);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Worker stopping: abandoned {Count} running trials; their leases lapse and the scheduler retries them")]
    public static partial void TrialsAbandoned(ILogger logger, int count);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Trial {TrialId}: the in-flight store is unreachable; asking again before the trial starts")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, Guid trialId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Trial {TrialId}: the in-flight store lost experiment {ExperimentId}; the trial runs on until its scheduler restores it")]
    public static partial void ExperimentLostFromStore(ILogger logger, Guid trialId, Guid experimentId);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Trial {TrialId}: objective {Objective} failed with {ErrorType}")]
    public static partial void ObjectiveFailed(ILogger logger, Exception exception, Guid trialId, string objective, string errorType);
}
