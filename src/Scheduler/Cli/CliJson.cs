using System.Globalization;
using System.Text;
using System.Text.Json;

namespace HyperQueue.Scheduler.Cli;

/// <summary>How <c>hq</c> commands print JSON: one indented document, losses that JSON cannot hold as strings.</summary>
internal static class CliJson
{
    /// <summary>The document <paramref name="write"/> produces, as text.</summary>
    public static string Render(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A loss as a number; JSON has no infinity, so hyperopt's +inf loss is the string "Infinity"; null as null.</summary>
    public static void WriteLoss(Utf8JsonWriter json, string property, double? loss)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (loss is not { } value)
        {
            json.WriteNull(property);
        }
        else if (double.IsFinite(value))
        {
            json.WriteNumber(property, value);
        }
        else
        {
            json.WriteString(property, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>A time as ISO 8601 UTC with milliseconds (the precision of the tracking store), or null.</summary>
    public static void WriteTime(Utf8JsonWriter json, string property, DateTimeOffset? time)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (time is { } value)
        {
            json.WriteString(property, value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull(property);
        }
    }
}
