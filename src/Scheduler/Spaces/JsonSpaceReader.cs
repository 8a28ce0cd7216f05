using System.Text.Json;
using HyperQueue.Worker.Commands;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// Reads the JSON form of a space into the C# form (dictionaries, lists, literals and <see cref="Hp"/> nodes), so
/// both forms compile and sample identically. Every error names the JSON path.
/// </summary>
internal static class JsonSpaceReader
{
    private const string KindField = "$hp";

    private static readonly string[] BoundedFields = ["low", "high"];
    private static readonly string[] GaussianFields = ["mu", "sigma"];

    public static object? Read(JsonElement json)
    {
        // A lone surrogate ("\ud800") would throw InvalidOperationException wherever a key, label or option is read.
        if (JsonUnicode.FindLoneSurrogate(json, SpacePath.Root, SpacePath.Key) is var (path, rule))
        {
            throw new ArgumentException($"{path}: {rule}");
        }

        return Read(json, SpacePath.Root, labelPath: string.Empty);
    }

    private static object? Read(JsonElement json, string path, string labelPath)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.Object when json.TryGetProperty(KindField, out _):
                return ReadNode(json, path, labelPath);
            case JsonValueKind.Object:
                var dictionary = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in json.EnumerateObject())
                {
                    var propertyPath = SpacePath.Key(path, property.Name);
                    if (!dictionary.TryAdd(property.Name, Read(property.Value, propertyPath, Join(labelPath, property.Name))))
                    {
                        throw new ArgumentException($"{propertyPath}: duplicate key '{property.Name}'");
                    }
                }

                return dictionary;
            case JsonValueKind.Array:
                var list = new List<object?>(json.GetArrayLength());
                var index = 0;
                foreach (var item in json.EnumerateArray())
                {
                    list.Add(Read(item, SpacePath.Index(path, index), Join(labelPath, index.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                    index++;
                }

                return list;
            default:
                return json.Clone();
        }
    }

    private static SpaceNode ReadNode(JsonElement json, string path, string labelPath)
    {
        var kindElement = json.GetProperty(KindField);
        if (kindElement.ValueKind != JsonValueKind.String || !DistributionKindNames.TryParse(kindElement.GetString()!, out var kind))
        {
            throw new ArgumentException(
                $"{SpacePath.Key(path, KindField)}: unknown $hp kind {InputText.Shown(kindElement.GetRawText())}; expected one of {string.Join(", ", DistributionKindNames.All)}");
        }

        var name = kind.ToHyperoptName();
        CheckFields(json, path, name, AllowedFields(kind));
        var label = ReadLabel(json, path, name, labelPath);
        try
        {
            return kind switch
            {
                DistributionKind.Choice => Hp.Choice(label, [.. Options(json, path, name).Select(o => Read(o.Value, o.Path, labelPath))]),
                DistributionKind.PChoice => Hp.PChoice(label, [.. Options(json, path, name).Select(o => ReadWeightedOption(o.Value, o.Path, labelPath))]),
                DistributionKind.Uniform => Hp.Uniform(label, Number(json, path, name, "low"), Number(json, path, name, "high")),
                DistributionKind.QUniform => Hp.QUniform(label, Number(json, path, name, "low"), Number(json, path, name, "high"), Number(json, path, name, "q")),
                DistributionKind.LogUniform => Hp.LogUniform(label, Number(json, path, name, "low"), Number(json, path, name, "high")),
                DistributionKind.QLogUniform => Hp.QLogUniform(label, Number(json, path, name, "low"), Number(json, path, name, "high"), Number(json, path, name, "q")),
                DistributionKind.Normal => Hp.Normal(label, Number(json, path, name, "mu"), Number(json, path, name, "sigma")),
                DistributionKind.QNormal => Hp.QNormal(label, Number(json, path, name, "mu"), Number(json, path, name, "sigma"), Number(json, path, name, "q")),
                DistributionKind.LogNormal => Hp.LogNormal(label, Number(json, path, name, "mu"), Number(json, path, name, "sigma")),
                DistributionKind.QLogNormal => Hp.QLogNormal(label, Number(json, path, name, "mu"), Number(json, path, name, "sigma"), Number(json, path, name, "q")),
                DistributionKind.RandInt => Hp.RandInt(
                    label,
                    json.TryGetProperty("low", out _) ? Integer(json, path, name, "low") : 0,
                    Integer(json, path, name, "high")),
                DistributionKind.UniformInt => Hp.UniformInt(label, Integer(json, path, name, "low"), Integer(json, path, name, "high")),
                _ => throw new ArgumentException($"{path}: unsupported $hp kind '{name}'"),
            };
        }
        catch (ArgumentException e) when (!e.Message.StartsWith(SpacePath.Root, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path}: {e.Message}", e);
        }
    }

    private static string[] AllowedFields(DistributionKind kind) => kind switch
    {
        DistributionKind.Choice or DistributionKind.PChoice => ["options"],
        DistributionKind.Uniform or DistributionKind.LogUniform or DistributionKind.RandInt or DistributionKind.UniformInt => BoundedFields,
        DistributionKind.QUniform or DistributionKind.QLogUniform => [.. BoundedFields, "q"],
        DistributionKind.Normal or DistributionKind.LogNormal => GaussianFields,
        _ => [.. GaussianFields, "q"],
    };

    private static void CheckFields(JsonElement json, string path, string name, string[] allowed)
    {
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name is not (KindField or "label") && !allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"{SpacePath.Key(path, property.Name)}: unknown field '{property.Name}' for {name}; expected {KindField}, label, {string.Join(", ", allowed)}");
            }
        }
    }

    private static string ReadLabel(JsonElement json, string path, string name, string labelPath)
    {
        if (json.TryGetProperty("label", out var label))
        {
            return label.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(label.GetString())
                ? label.GetString()!
                : throw new ArgumentException($"{SpacePath.Key(path, "label")}: {name} label must be a non-empty string, got {InputText.Shown(label.GetRawText())}");
        }

        return labelPath.Length > 0
            ? labelPath
            : throw new ArgumentException($"{path}: {name} at the root has no key to name it; give it a \"label\"");
    }

    private static IEnumerable<(JsonElement Value, string Path)> Options(JsonElement json, string path, string name)
    {
        var options = Required(json, path, name, "options");
        if (options.ValueKind != JsonValueKind.Array)
        {
            throw new ArgumentException($"{SpacePath.Key(path, "options")}: {name} options must be an array, got {options.ValueKind}");
        }

        return options.EnumerateArray().Select((option, i) => (option, SpacePath.Index(SpacePath.Key(path, "options"), i)));
    }

    private static (double Probability, object? Option) ReadWeightedOption(JsonElement option, string path, string labelPath)
    {
        if (option.ValueKind != JsonValueKind.Object || option.TryGetProperty(KindField, out _))
        {
            throw new ArgumentException($"{path}: a pchoice option must be an object {{\"p\": probability, \"value\": option}}");
        }

        CheckFields(option, path, "pchoice option", ["p", "value"]);
        var value = Required(option, path, "pchoice option", "value");
        return (Number(option, path, "pchoice option", "p"), Read(value, SpacePath.Key(path, "value"), labelPath));
    }

    private static JsonElement Required(JsonElement json, string path, string name, string field) =>
        json.TryGetProperty(field, out var value)
            ? value
            : throw new ArgumentException($"{path}: {name} is missing field '{field}'");

    private static double Number(JsonElement json, string path, string name, string field)
    {
        var value = Required(json, path, name, field);
        var fieldPath = SpacePath.Key(path, field);
        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty(KindField, out _))
        {
            throw new ArgumentException($"{fieldPath}: {name} {field} must be a constant number; a bound that is itself a parameter is not supported");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw new ArgumentException($"{fieldPath}: {name} {field} must be a finite number, got {InputText.Shown(value.GetRawText())}");
    }

    private static long Integer(JsonElement json, string path, string name, string field)
    {
        var number = Number(json, path, name, field);
        return Math.Floor(number) == number && Math.Abs(number) <= NodeArguments.MaxExactInteger
            ? (long)number
            : throw new ArgumentException($"{SpacePath.Key(path, field)}: {name} {field} ({NodeArguments.Format(number)}) must be an integer");
    }

    private static string Join(string labelPath, string key) => labelPath.Length == 0 ? key : $"{labelPath}.{key}";
}
