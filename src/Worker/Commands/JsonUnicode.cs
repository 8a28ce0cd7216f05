using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace HyperQueue.Worker.Commands;

/// <summary>
/// Strings and member names of a JSON document that are not Unicode text. JSON may write a lone UTF-16 surrogate as
/// an escape (<c>"a\ud800b"</c>: a high half without its low half, or a low half alone): System.Text.Json parses the
/// document, then throws <see cref="InvalidOperationException"/> when the string is read. Checking the raw text of
/// the whole document before anything reads it covers every string (names, labels, options, objectives, command
/// arguments) and names where the bad one is. Bytes that are not UTF-8 are the caller's check (a spec file's, or
/// the decoding of a text file).
/// </summary>
public static class JsonUnicode
{
    public const string Rule = "must be valid Unicode text";

    /// <summary>
    /// The first string value or member name under <paramref name="element"/> holding a lone surrogate, depth first
    /// in document order: its path (a member name's own path, built with <paramref name="memberPath"/> from the name as
    /// written, escapes included) and the rule it breaks; null when every string is Unicode text.
    /// </summary>
    public static (string Path, string Rule)? FindLoneSurrogate(JsonElement element, string path, Func<string, string, string> memberPath)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(memberPath);
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return LoneSurrogate(JsonMarshal.GetRawUtf8Value(element)) is { } unit ? (path, Describe(unit)) : null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var rawName = JsonMarshal.GetRawUtf8PropertyName(property);
                    if (LoneSurrogate(rawName) is { } nameUnit)
                    {
                        return (memberPath(path, Encoding.UTF8.GetString(rawName)), $"the member name {Describe(nameUnit)}");
                    }

                    if (FindLoneSurrogate(property.Value, memberPath(path, property.Name), memberPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindLoneSurrogate(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), memberPath) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The first lone surrogate in the raw (still escaped) UTF-8 text of a JSON string, or null. Only a <c>\u</c>
    /// escape can write a surrogate (UTF-8 has no encoding for one), so the escapes are read in order: a high half
    /// must be followed at once by an escaped low half, and a low half must follow a high one.
    /// </summary>
    internal static int? LoneSurrogate(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf("\\u"u8) < 0)
        {
            return null;
        }

        int? pendingHigh = null;
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                if (pendingHigh is not null)
                {
                    return pendingHigh;
                }

                i++;
                continue;
            }

            if (i + 5 >= raw.Length || raw[i + 1] != (byte)'u'
                || !int.TryParse(raw.Slice(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                // Another escape (\n, \", \\): two bytes, never half of a pair.
                if (pendingHigh is not null)
                {
                    return pendingHigh;
                }

                i += 2;
                continue;
            }

            i += 6;
            if (pendingHigh is not null)
            {
                if (char.IsLowSurrogate((char)unit))
                {
                    pendingHigh = null;
                    continue;
                }

                return pendingHigh;
            }

            if (char.IsHighSurrogate((char)unit))
            {
                pendingHigh = unit;
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                return unit;
            }
        }

        return pendingHigh;
    }

    private static string Describe(int unit) => string.Create(CultureInfo.InvariantCulture, $"{Rule} (lone surrogate \\u{unit:x4})");
}
