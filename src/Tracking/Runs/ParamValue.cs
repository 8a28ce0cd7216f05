using System.Globalization;
using System.Text.Json;

namespace HyperQueue.Tracking.Runs;

/// <summary>
/// The one canonical text form of a logged parameter value (MLflow stores every param as a string):
/// <list type="bullet">
/// <item>integers, and integral values of integer parameters, as invariant digits: <c>7</c>, <c>-3</c>, never <c>7.0</c>;</item>
/// <item>doubles in shortest round-trip form (<c>"R"</c>): <c>0.1</c>, <c>1E-05</c>, <c>Infinity</c>, so
/// <c>double.Parse(text, CultureInfo.InvariantCulture)</c> gives back the same bits;</item>
/// <item>booleans as <c>true</c>/<c>false</c>, strings as themselves, JSON null as <c>null</c>, objects and arrays as
/// compact JSON.</item>
/// </list>
/// </summary>
public static class ParamValue
{
    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(bool value) => value ? "true" : "false";

    /// <summary>A JSON number that is an integer (<c>7</c> or <c>7.0</c>) formats as <c>7</c>; others as doubles.</summary>
    public static string Format(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var integer) => Format(integer),
        JsonValueKind.Number when IsIntegralDouble(value.GetDouble(), out var integral) => Format(integral),
        JsonValueKind.Number => Format(value.GetDouble()),
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.True => Format(true),
        JsonValueKind.False => Format(false),
        JsonValueKind.Null or JsonValueKind.Undefined => "null",
        _ => JsonSerializer.Serialize(value),
    };

    /// <summary>
    /// Flattens an evaluated parameter structure into (dotted path, canonical value) pairs, the way nested
    /// parameters become MLflow param keys: <c>{"model": {"lr": 0.1}}</c> gives <c>model.lr = 0.1</c>; array items use
    /// their index. A literal at the root (a space that is a single value) is returned under <paramref name="rootKey"/>.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Flatten(JsonElement parameters, string rootKey = "value")
    {
        ArgumentNullException.ThrowIfNull(rootKey);
        var pairs = new List<KeyValuePair<string, string>>();
        Append(parameters, prefix: null, rootKey, pairs);
        return pairs;
    }

    private static void Append(JsonElement value, string? prefix, string rootKey, List<KeyValuePair<string, string>> pairs)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.EnumerateObject().Any():
                foreach (var property in value.EnumerateObject())
                {
                    Append(property.Value, prefix is null ? property.Name : $"{prefix}.{property.Name}", rootKey, pairs);
                }

                break;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var name = index.ToString(CultureInfo.InvariantCulture);
                    Append(item, prefix is null ? name : $"{prefix}.{name}", rootKey, pairs);
                    index++;
                }

                break;
            default:
                pairs.Add(new KeyValuePair<string, string>(prefix ?? rootKey, Format(value)));
                break;
        }
    }

    private static bool IsIntegralDouble(double value, out long integral)
    {
        // 2^63 bounds the doubles that convert to long exactly; larger integral doubles keep the double form.
        const double LongRange = 9.2233720368547758E18;
        if (double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) < LongRange)
        {
            integral = (long)value;
            return true;
        }

        integral = 0;
        return false;
    }
}
