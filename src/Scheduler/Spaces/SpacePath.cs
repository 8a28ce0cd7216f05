using System.Globalization;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>JSON-path style locations (<c>$.model.options[1].lr</c>) used in error messages of both forms.</summary>
internal static class SpacePath
{
    public const string Root = "$";

    /// <summary>The path of a member; an unusual key is quoted, and shown on one line and cut (<see cref="InputText"/>).</summary>
    public static string Key(string path, string key) =>
        key.Length > 0 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$')
            ? $"{path}.{InputText.Shown(key)}"
            : $"{path}['{InputText.Shown(key).Replace("'", "\\'", StringComparison.Ordinal)}']";

    public static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");
}
