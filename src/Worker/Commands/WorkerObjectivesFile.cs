using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Worker.Commands;

/// <summary>
/// The worker objectives file (<c>hq worker --objectives FILE</c>): a JSON object from objective name to its
/// command definition, for example
/// <c>{"train": {"command": ["python3", "train.py"], "workingDirectory": "/srv/model", "timeoutSeconds": 3600, "env": {"OMP_NUM_THREADS": "1"}}}</c>.
/// Every error names the JSON path, the value and the rule.
/// </summary>
public static partial class WorkerObjectivesFile
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Reads and parses an objectives file.</summary>
    public static async Task<IReadOnlyDictionary<string, CommandObjectiveDefinition>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ObjectivesFileException("$", $"cannot read objectives file '{path}': {exception.Message}", exception);
        }

        return Parse(json);
    }

    /// <summary>Parses the text of an objectives file.</summary>
    public static IReadOnlyDictionary<string, CommandObjectiveDefinition> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new ObjectivesFileException("$", $"not valid JSON: {exception.Message}", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (JsonUnicode.FindLoneSurrogate(root, "$", MemberPath) is var (badPath, rule))
            {
                throw new ObjectivesFileException(badPath, rule);
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ObjectivesFileException("$", $"must be an object from objective name to definition, and it is {Describe(root)}");
            }

            var objectives = new Dictionary<string, CommandObjectiveDefinition>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                var path = $"$.{property.Name}";
                if (!ObjectiveNames.IsValid(property.Name))
                {
                    throw new ObjectivesFileException(path, $"objective name '{property.Name}' {ObjectiveNames.Rule}");
                }

                if (!objectives.TryAdd(property.Name, ParseDefinition(property.Value, path)))
                {
                    throw new ObjectivesFileException(path, $"objective '{property.Name}' is defined twice");
                }
            }

            return objectives;
        }
    }

    /// <summary>
    /// Parses one definition object <c>{"command", "workingDirectory"?, "timeoutSeconds"?, "env"?}</c> found at
    /// <paramref name="jsonPath"/> (also the shape of a spec file's command objective).
    /// </summary>
    public static CommandObjectiveDefinition ParseDefinition(JsonElement element, string jsonPath)
    {
        ArgumentNullException.ThrowIfNull(jsonPath);
        if (JsonUnicode.FindLoneSurrogate(element, jsonPath, MemberPath) is var (badPath, rule))
        {
            throw new ObjectivesFileException(badPath, rule);
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new ObjectivesFileException(jsonPath, $"must be an object with a 'command' array, and it is {Describe(element)}");
        }

        IReadOnlyList<string>? command = null;
        string? workingDirectory = null;
        TimeSpan? timeout = null;
        Dictionary<string, string>? environment = null;
        foreach (var property in element.EnumerateObject())
        {
            var path = $"{jsonPath}.{property.Name}";
            var value = property.Value;
            switch (property.Name)
            {
                case "command":
                    command = ParseCommand(value, path);
                    break;
                case "workingDirectory":
                    workingDirectory = value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0
                        ? value.GetString()
                        : throw new ObjectivesFileException(path, $"must be a non-empty string (a directory), and it is {Describe(value)}");
                    break;
                case "timeoutSeconds":
                    timeout = value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && TimeoutSeconds.IsValid(seconds)
                        ? TimeSpan.FromSeconds(seconds)
                        : throw new ObjectivesFileException(path, $"{TimeoutSeconds.Rule}, and it is {Describe(value)}");
                    break;
                case "env":
                    environment = ParseEnvironment(value, path);
                    break;
                default:
                    throw new ObjectivesFileException(path, "unknown field; expected command, workingDirectory, timeoutSeconds or env");
            }
        }

        if (command is null)
        {
            throw new ObjectivesFileException($"{jsonPath}.command", "is required: the program and its arguments, for example [\"python3\", \"train.py\"]");
        }

        return new CommandObjectiveDefinition(command, workingDirectory, timeout, environment);
    }

    private static List<string> ParseCommand(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
        {
            throw new ObjectivesFileException(path, $"must be a non-empty array of strings (argv; never run through a shell), and it is {Describe(value)}");
        }

        var command = new List<string>(value.GetArrayLength());
        var index = 0;
        foreach (var argument in value.EnumerateArray())
        {
            if (argument.ValueKind != JsonValueKind.String)
            {
                throw new ObjectivesFileException($"{path}[{index}]", $"must be a string, and it is {Describe(argument)}");
            }

            command.Add(argument.GetString()!);
            index++;
        }

        if (string.IsNullOrWhiteSpace(command[0]))
        {
            throw new ObjectivesFileException($"{path}[0]", "must name the program to run, and it is empty");
        }

        return command;
    }

    private static Dictionary<string, string> ParseEnvironment(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new ObjectivesFileException(path, $"must be an object of variable name to string value, and it is {Describe(value)}");
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in value.EnumerateObject())
        {
            var variablePath = $"{path}.{variable.Name}";
            if (!EnvironmentVariableName().IsMatch(variable.Name))
            {
                throw new ObjectivesFileException(variablePath, "variable names must match [A-Za-z_][A-Za-z0-9_]*");
            }

            if (variable.Name.StartsWith("HQ_", StringComparison.Ordinal))
            {
                throw new ObjectivesFileException(variablePath, "HQ_* variables are set by the worker for each trial and cannot be configured");
            }

            environment[variable.Name] = variable.Value.ValueKind == JsonValueKind.String
                ? variable.Value.GetString()!
                : throw new ObjectivesFileException(variablePath, $"must be a string, and it is {Describe(variable.Value)}");
        }

        return environment;
    }

    private static string MemberPath(string path, string name) => $"{path}.{name}";

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => string.Create(CultureInfo.InvariantCulture, $"an array of {value.GetArrayLength()}"),
        JsonValueKind.String => $"the string \"{value.GetString()}\"",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex EnvironmentVariableName();
}
