using System.Globalization;
using System.Text.Json;

namespace HyperQueue.Contracts;

/// <summary>
/// The evaluated parameters of one trial (hyperopt's <c>space_eval</c> result) as a JSON value, with typed
/// accessors for the common case of an object of named values. Paths use dots: <c>"model.lr"</c>.
/// </summary>
public sealed class TrialParameters(JsonElement json)
{
    /// <summary>The evaluated structure: an object, array or literal, exactly as the space produced it.</summary>
    public JsonElement Json { get; } = json;

    /// <summary>The value at a dotted path; throws <see cref="KeyNotFoundException"/> naming the path if absent.</summary>
    public JsonElement this[string path] => TryGet(path, out var value)
        ? value
        : throw new KeyNotFoundException($"parameter '{path}' is not in this trial's parameters (inactive branch or unknown label)");

    public bool TryGet(string path, out JsonElement value)
    {
        value = Json;
        foreach (var part in path.Split('.'))
        {
            if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(part, out var child))
            {
                value = child;
            }
            else if (value.ValueKind == JsonValueKind.Array
                && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                && index < value.GetArrayLength())
            {
                value = value[index];
            }
            else
            {
                value = default;
                return false;
            }
        }

        return true;
    }

    public double GetDouble(string path) => this[path].GetDouble();

    public int GetInt32(string path) => this[path].GetInt32();

    public long GetInt64(string path) => this[path].GetInt64();

    public bool GetBoolean(string path) => this[path].GetBoolean();

    public string GetString(string path) => this[path].GetString()
        ?? throw new InvalidOperationException($"parameter '{path}' is null, not a string");

    /// <summary>Deserializes the value at a path (or the whole structure for an empty path) into a CLR type.</summary>
    public T Get<T>(string path = "") =>
        (path.Length == 0 ? Json : this[path]).Deserialize<T>()
        ?? throw new InvalidOperationException($"parameter '{path}' is null");

    public override string ToString() => Json.GetRawText();
}
