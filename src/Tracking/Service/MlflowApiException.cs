namespace HyperQueue.Tracking.Service;

/// <summary>An API request that fails with an MLflow error body (<c>{"error_code", "message"}</c>).</summary>
internal sealed class MlflowApiException : Exception
{
    public MlflowApiException(string errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    public MlflowApiException()
        : this(MlflowErrorCode.InternalError, "internal error")
    {
    }

    public MlflowApiException(string message)
        : this(MlflowErrorCode.InvalidParameterValue, message)
    {
    }

    public MlflowApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = MlflowErrorCode.InvalidParameterValue;
    }

    public string ErrorCode { get; }

    public static MlflowApiException Invalid(string message) => new(MlflowErrorCode.InvalidParameterValue, message);

    public static MlflowApiException NotFound(string message) => new(MlflowErrorCode.ResourceDoesNotExist, message);
}
