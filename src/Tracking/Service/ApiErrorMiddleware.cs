using System.Text.Json;
using System.Text.Json.Nodes;
using HyperQueue.Tracking.Runs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// Turns the failures of API requests into MLflow error bodies: unknown ids are 404 RESOURCE_DOES_NOT_EXIST,
/// rule violations (write-once params, bad JSON, limits) 400 INVALID_PARAMETER_VALUE, anything else 500 INTERNAL_ERROR.
/// </summary>
internal sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        string errorCode;
        string message;
        try
        {
            await next(context);
            return;
        }
        catch (MlflowApiException exception)
        {
            (errorCode, message) = (exception.ErrorCode, exception.Message);
        }
        catch (ParamConflictException exception)
        {
            (errorCode, message) = (MlflowErrorCode.InvalidParameterValue, exception.Message);
        }
        catch (KeyNotFoundException exception)
        {
            (errorCode, message) = (MlflowErrorCode.ResourceDoesNotExist, exception.Message);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException or FormatException)
        {
            (errorCode, message) = (MlflowErrorCode.InvalidParameterValue, exception.Message);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The boundary of the service: a client still gets MLflow's error body, the log gets the whole exception.
            Log.ApiFailed(logger, exception, context.Request.Path.Value ?? string.Empty);
            (errorCode, message) = (MlflowErrorCode.InternalError, $"{exception.GetType().Name}: {exception.Message}");
        }

        Log.ApiError(logger, context.Request.Path.Value ?? string.Empty, errorCode, message);
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = MlflowErrorCode.StatusCode(errorCode);
        context.Response.ContentType = "application/json";
        var body = new JsonObject { ["error_code"] = errorCode, ["message"] = message };
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
