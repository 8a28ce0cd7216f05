namespace HyperQueue.Worker.Commands;

/// <summary>A worker objectives file (or a command definition in a spec) that breaks a rule; the message names the JSON path.</summary>
public sealed class ObjectivesFileException : Exception
{
    public ObjectivesFileException()
    {
    }

    public ObjectivesFileException(string message)
        : base(message)
    {
    }

    public ObjectivesFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ObjectivesFileException(string jsonPath, string rule, Exception? innerException = null)
        : base($"{jsonPath}: {rule}", innerException)
    {
        JsonPath = jsonPath;
    }

    /// <summary>Where in the document the rule was broken, for example <c>$.train.command[1]</c>.</summary>
    public string? JsonPath { get; }
}
