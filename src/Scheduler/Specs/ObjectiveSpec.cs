using System.Text.Json;

namespace HyperQueue.Scheduler.Specs;

/// <summary>
/// The objective of a spec: a registered name (<c>"branin"</c>, or one a worker serves), or a command objective
/// object (<c>{"command": [argv...], ...}</c>) that the embedded mode runs itself.
/// </summary>
public sealed record ObjectiveSpec(string? Name, JsonElement? Command, string Path)
{
    public bool IsCommand => Command is not null;

    internal static ObjectiveSpec FromJson(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String when element.GetString() is { Length: > 0 } name => new ObjectiveSpec(name, null, path),
        JsonValueKind.Object => new ObjectiveSpec(null, element, path),
        _ => throw new SpecException(
            $"{path}: expected an objective name (a non-empty string) or a command object {{\"command\": [...]}}, got {JsonObjectReader.Describe(element)}"),
    };
}
