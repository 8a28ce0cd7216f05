namespace HyperQueue.Worker.Commands;

/// <summary>
/// A program run as an objective (any language): started directly from <paramref name="Command"/> (argv, never a
/// shell), given the evaluated parameters as one JSON object on stdin, and read back from its last stdout line.
/// The counterpart of a hyperopt objective written in Python, for programs that are not .NET.
/// </summary>
/// <param name="Command">The program and its arguments; the first element is the program.</param>
/// <param name="WorkingDirectory">Where the program runs; null for the worker's current directory.</param>
/// <param name="Timeout">How long one trial may run before its process tree is killed and the trial fails.</param>
/// <param name="Environment">Extra environment variables, added to the worker's own and the <c>HQ_*</c> ones.</param>
public sealed record CommandObjectiveDefinition(
    IReadOnlyList<string> Command,
    string? WorkingDirectory = null,
    TimeSpan? Timeout = null,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the objective, the field, the value and the rule.</summary>
    internal void Validate(string objectiveName)
    {
        if (Command is null || Command.Count == 0)
        {
            throw new ArgumentException($"command objective '{objectiveName}': command must name a program (argv[0]), and it is empty");
        }

        for (var i = 0; i < Command.Count; i++)
        {
            if (Command[i] is null)
            {
                throw new ArgumentException($"command objective '{objectiveName}': command[{i}] is null; every argument must be a string");
            }
        }

        if (string.IsNullOrWhiteSpace(Command[0]))
        {
            throw new ArgumentException($"command objective '{objectiveName}': command[0] ('{Command[0]}') must name a program");
        }

        if (Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"command objective '{objectiveName}': timeout ({timeout}) must be positive");
        }

        if (WorkingDirectory is { Length: 0 })
        {
            throw new ArgumentException($"command objective '{objectiveName}': workingDirectory must be null or a path, and it is empty");
        }
    }
}
