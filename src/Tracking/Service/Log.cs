using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Service;

internal static partial class Log
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Tracking service listening on {Addresses} (artifacts under {ArtifactRoot})")]
    public static partial void Listening(ILogger logger, string addresses, string artifactRoot);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Request {Method} {Path} refused: missing or wrong bearer token")]
    public static partial void Unauthorized(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Debug, Message = "API request {Path} failed with {ErrorCode}: {Message}")]
    public static partial void ApiError(ILogger logger, string path, string errorCode, string message);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "API request {Path} failed unexpectedly")]
    public static partial void ApiFailed(ILogger logger, Exception exception, string path);
}
