using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>A list or array: evaluates to a JSON array.</summary>
internal sealed class ArrayTemplate(IReadOnlyList<SpaceTemplate> items) : SpaceTemplate
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double?> assignment)
    {
        writer.WriteStartArray();
        foreach (var item in items)
        {
            item.Write(writer, assignment);
        }

        writer.WriteEndArray();
    }
}
