namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>
/// What "one clear message" means for a rejected spec: one line, prefixed by the file, saying where (a JSON path,
/// or the line and byte of a syntax error, or that the bytes are not UTF-8), short enough to read, and free of
/// .NET internals (stack frames, exception type names, "(Parameter 'x')").
/// </summary>
internal static class ClearMessageRules
{
    /// <summary>Generous for a path, the rule and a quoted value (values are cut to 60 characters), short enough to read.</summary>
    public const int MaxLength = 600;

    /// <summary>What is wrong with the message, or null when it is clear.</summary>
    public static string? Check(string message, string source)
    {
        if (!message.StartsWith(source + ": ", StringComparison.Ordinal))
        {
            return $"does not start with the file name: {Cut(message)}";
        }

        var text = message[(source.Length + 2)..];
        if (text.Any(c => c is '\n' or '\r' || char.IsControl(c)))
        {
            return $"contains a line break or control character: {Cut(message)}";
        }

        if (text.Length > MaxLength)
        {
            return $"is {text.Length} characters long: {Cut(message)}";
        }

        if (!text.StartsWith('$') && !text.StartsWith("not valid JSON", StringComparison.Ordinal) && !text.StartsWith("not valid UTF-8", StringComparison.Ordinal))
        {
            return $"names no JSON path: {Cut(message)}";
        }

        string[] internals = ["   at ", "Exception", "(Parameter '", "System."];
        return internals.FirstOrDefault(i => text.Contains(i, StringComparison.Ordinal)) is { } leak
            ? $"leaks .NET internals ('{leak}'): {Cut(message)}"
            : null;
    }

    private static string Cut(string message) => message.Length <= 300 ? message : string.Concat(message.AsSpan(0, 300), $"...({message.Length} chars)");
}
