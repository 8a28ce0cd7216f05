using System.Globalization;
using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>A constant: string, bool, null, a number, or a JSON value without nodes inside.</summary>
internal sealed class LiteralTemplate : SpaceTemplate
{
    private readonly object? value;

    private LiteralTemplate(object? value) => this.value = value;

    /// <summary>A template for <paramref name="value"/>, or null with the reason when it is not a JSON literal.</summary>
    public static LiteralTemplate? TryCreate(object? value, out string? reason)
    {
        reason = value switch
        {
            null or string or bool or char or byte or sbyte or short or ushort or int or uint or long or ulong or decimal => null,
            double d when !double.IsFinite(d) => $"number {d.ToString(CultureInfo.InvariantCulture)} is not finite; JSON cannot hold it",
            float f when !float.IsFinite(f) => $"number {f.ToString(CultureInfo.InvariantCulture)} is not finite; JSON cannot hold it",
            double or float => null,
            JsonElement { ValueKind: JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null } => null,
            _ => $"unsupported value of type {value.GetType().Name}: use Hp nodes, dictionaries with string keys, lists, strings, numbers, booleans or null",
        };
        return reason is null ? new LiteralTemplate(value) : null;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double?> assignment)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case char c: writer.WriteStringValue(c.ToString()); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case byte or sbyte or short or ushort or int or uint or long: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case float f: writer.WriteNumberValue(f); break;
            case double d: writer.WriteNumberValue(d); break;
            case JsonElement element: element.WriteTo(writer); break;
            default: throw new InvalidOperationException($"unsupported literal of type {value.GetType().Name}");
        }
    }
}
