namespace HyperQueue.Scheduler.Specs;

/// <summary>An experiment spec (or a flag overriding it) is invalid; the message names the JSON path and the rule.</summary>
public sealed class SpecException : Exception
{
    public SpecException(string message)
        : base(message)
    {
    }

    public SpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SpecException()
    {
    }
}
