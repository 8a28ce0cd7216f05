using System.Globalization;
using System.Text;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// Text from a user's file shown inside an error message: on one line (control characters as <c>\uXXXX</c>, so a
/// key with a newline or an escape sequence cannot break or recolour the terminal) and cut to a readable length
/// (a 10,000-character value is named, not repeated).
/// </summary>
internal static class InputText
{
    public const int MaxShownLength = 60;

    /// <summary>
    /// Where and why the JSON reader stopped, in the words of our other messages: "line L, byte B: reason". The
    /// reader's own text ends with zero-based "LineNumber: 2 | BytePositionInLine: 0." and may advise changing its
    /// options, which a user of a spec file cannot do; both are left out.
    /// </summary>
    public static string JsonError(System.Text.Json.JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var reason = exception.Message;
        var position = reason.IndexOf(" LineNumber:", StringComparison.Ordinal) is var at and >= 0 ? at : reason.IndexOf(" Path:", StringComparison.Ordinal);
        if (position >= 0)
        {
            reason = reason[..position];
        }

        reason = reason.Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal)
            .Replace(" which is not supported in this mode", string.Empty, StringComparison.Ordinal).Trim();
        return exception.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, byte {exception.BytePositionInLine + 1}: {reason}")
            : reason;
    }

    /// <summary>The whole text on one line: control characters as <c>\uXXXX</c>, nothing cut.</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var line = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                line.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                line.Append(c);
            }
        }

        return line.ToString();
    }

    public static string Shown(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxShownLength && !text.Any(char.IsControl))
        {
            return text;
        }

        var shown = new StringBuilder();
        foreach (var c in text)
        {
            if (shown.Length >= MaxShownLength)
            {
                // Never cut between the two halves of a surrogate pair.
                if (char.IsHighSurrogate(shown[^1]))
                {
                    shown.Length--;
                }

                return shown.Append(CultureInfo.InvariantCulture, $"...({text.Length} characters)").ToString();
            }

            if (char.IsControl(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return shown.ToString();
    }
}
