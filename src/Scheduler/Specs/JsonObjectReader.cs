using System.Globalization;
using System.Text.Json;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Specs;

/// <summary>
/// Reads the members of one JSON object strictly: typed getters whose errors name the JSON path, the value and the
/// rule, and a final check that rejects members nobody asked for (a misspelt "maxEval" must not be ignored).
/// </summary>
internal sealed class JsonObjectReader
{
    private readonly JsonElement _element;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public JsonObjectReader(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new SpecException($"{path}: expected an object, got {Describe(element)}");
        }

        _element = element;
        Path = path;
    }

    public string Path { get; }

    public string PathOf(string name) => SpacePath.Key(Path, name);

    public bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        if (_element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public JsonElement Required(string name) =>
        TryGet(name, out var value) ? value : throw new SpecException($"{PathOf(name)}: is required");

    public string? String(string name, bool required = false)
    {
        if (!TryGet(name, out var value))
        {
            return required ? throw new SpecException($"{PathOf(name)}: is required (a string)") : null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new SpecException($"{PathOf(name)}: expected a string, got {Describe(value)}");
    }

    public bool? Boolean(string name) =>
        !TryGet(name, out var value) ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new SpecException($"{PathOf(name)}: expected true or false, got {Describe(value)}");

    /// <summary>An integer in [min, max]; a fractional or out-of-range number names the rule.</summary>
    public long? Integer(string name, long min, long max)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw new SpecException($"{PathOf(name)}: expected an integer, got {Describe(value)}");
        }

        return number >= min && number <= max
            ? number
            : throw new SpecException($"{PathOf(name)}: {number} is out of range; it must be between {min} and {max}");
    }

    /// <summary>A finite number greater than (or, with <paramref name="allowZero"/>, equal to) zero.</summary>
    public double? PositiveNumber(string name, bool allowZero = false)
    {
        var number = Number(name);
        if (number is { } n && (n < 0 || (n == 0 && !allowZero)))
        {
            throw new SpecException($"{PathOf(name)}: {Format(n)} must be {(allowZero ? "zero or more" : "greater than 0")}");
        }

        return number;
    }

    public double? Number(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            throw new SpecException($"{PathOf(name)}: expected a finite number, got {Describe(value)}");
        }

        return number;
    }

    /// <summary>Fails on any member that was never read, naming it and listing the accepted ones.</summary>
    public void RejectUnknownMembers() => RejectMembersOtherThan(_read);

    /// <summary>
    /// Fails on any member not in <paramref name="accepted"/>, before anything is read: a misspelt member is then
    /// reported as itself ("$.maxEval: unknown member") rather than as the member it was meant to be, missing.
    /// </summary>
    public void RejectMembersOtherThan(IReadOnlyCollection<string> accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        foreach (var property in _element.EnumerateObject())
        {
            if (!accepted.Contains(property.Name))
            {
                var known = string.Join(", ", accepted.Order(StringComparer.Ordinal));
                throw new SpecException($"{PathOf(property.Name)}: unknown member; accepted members here are {known}");
            }
        }
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{InputText.Shown(value.GetString() ?? "")}\"",
        JsonValueKind.Number => $"the number {InputText.Shown(value.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"{value.GetRawText()}",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => value.ValueKind.ToString(),
    };

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
