namespace HyperQueue.Tracking.Service;

/// <summary>The MLflow <c>error_code</c> values this service answers with, and their HTTP status codes.</summary>
internal static class MlflowErrorCode
{
    public const string ResourceDoesNotExist = "RESOURCE_DOES_NOT_EXIST";

    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";

    public const string ResourceAlreadyExists = "RESOURCE_ALREADY_EXISTS";

    public const string InternalError = "INTERNAL_ERROR";

    public static int StatusCode(string errorCode) => errorCode switch
    {
        ResourceDoesNotExist => 404,
        InvalidParameterValue or ResourceAlreadyExists => 400,
        _ => 500,
    };
}
