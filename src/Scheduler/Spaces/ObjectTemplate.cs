using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>A dictionary: evaluates to a JSON object with its keys in their original order.</summary>
internal sealed class ObjectTemplate(IReadOnlyList<KeyValuePair<string, SpaceTemplate>> entries) : SpaceTemplate
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double?> assignment)
    {
        writer.WriteStartObject();
        foreach (var (key, template) in entries)
        {
            writer.WritePropertyName(key);
            template.Write(writer, assignment);
        }

        writer.WriteEndObject();
    }
}
