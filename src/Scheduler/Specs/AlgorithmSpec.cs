using System.Text.Json;

namespace HyperQueue.Scheduler.Specs;

/// <summary>
/// The search algorithm: <c>"tpe"</c>, <c>"tpe-hyperopt"</c>, <c>"rand"</c>, <c>"anneal"</c>, or <c>{"name": ...}</c>.
/// The object form takes no other member yet: an option the runner would ignore (a "gamma" that tunes nothing) is
/// rejected rather than silently dropped.
/// </summary>
public sealed record AlgorithmSpec(string Name, JsonElement? Options)
{
    internal static AlgorithmSpec FromJson(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => new AlgorithmSpec(element.GetString()!, null),
        JsonValueKind.Object => FromObject(element, path),
        _ => throw new SpecException($"{path}: expected an algorithm name or an object with \"name\", got {JsonObjectReader.Describe(element)}"),
    };

    private static AlgorithmSpec FromObject(JsonElement element, string path)
    {
        var algorithm = new JsonObjectReader(element, path);
        var name = algorithm.String("name", required: true)!;
        algorithm.RejectUnknownMembers();
        return new AlgorithmSpec(name, element);
    }
}
