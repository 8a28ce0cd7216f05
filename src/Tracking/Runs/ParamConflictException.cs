namespace HyperQueue.Tracking.Runs;

/// <summary>A param was logged again with another value; params are write-once (MLflow's <c>INVALID_PARAMETER_VALUE</c>).</summary>
public sealed class ParamConflictException : InvalidOperationException
{
    public ParamConflictException(string runId, string key, string storedValue, string newValue)
        : base($"param '{key}' of run '{runId}' was already logged as '{storedValue}'; it cannot change to '{newValue}' (params are write-once)")
    {
        RunId = runId;
        Key = key;
        StoredValue = storedValue;
        NewValue = newValue;
    }

    public ParamConflictException()
    {
        RunId = Key = StoredValue = NewValue = string.Empty;
    }

    public ParamConflictException(string message)
        : base(message)
    {
        RunId = Key = StoredValue = NewValue = string.Empty;
    }

    public ParamConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        RunId = Key = StoredValue = NewValue = string.Empty;
    }

    public string RunId { get; }

    public string Key { get; }

    public string StoredValue { get; }

    public string NewValue { get; }
}
