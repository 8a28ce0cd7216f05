using System.Text.Json;

namespace HyperQueue.Scheduler.Specs;

/// <summary>The search algorithm: <c>"tpe"</c>, <c>"tpe-hyperopt"</c>, <c>"rand"</c>, <c>"anneal"</c>, or <c>{"name": ..., options...}</c>.</summary>
public sealed record AlgorithmSpec(string Name, JsonElement? Options)
{
    internal static AlgorithmSpec FromJson(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => new AlgorithmSpec(element.GetString()!, null),
        JsonValueKind.Object => new AlgorithmSpec(
            new JsonObjectReader(element, path).String("name", required: true)!, element),
        _ => throw new SpecException($"{path}: expected an algorithm name or an object with \"name\", got {JsonObjectReader.Describe(element)}"),
    };
}
