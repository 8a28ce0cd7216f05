using System.Text.Json;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;

namespace HyperQueue.Scheduler.Specs;

/// <summary>
/// The tracking params a space's trials will log, checked when the spec is read. Each trial's evaluated structure
/// becomes its run's params by <see cref="HyperQueue.Tracking.Runs.ParamValue.Flatten"/> (member names joined with
/// '.', array items by index, a choice's chosen option in the choice's place, a leaf at the root as "value"), so
/// every member name and string of the space reaches the tracking store. A key holding U+0000 or longer than 250
/// characters, a string value holding U+0000 or longer than 6000, or two members giving the same key were refused
/// by the store only when the first trial was logged, after the experiment had been created in it. The rules are
/// the store's own (<see cref="TrackingClient.ParamKeyProblem"/>, <see cref="TrackingClient.ParamValueProblem"/>).
/// </summary>
internal static class TrackedParams
{
    private const string KindField = "$hp";

    /// <summary>Throws <see cref="SpecException"/> naming the JSON path of the first key or value the store would refuse.</summary>
    public static void Check(JsonElement space, string path) => Keys(space, path, prefix: null);

    /// <summary>The param keys <paramref name="value"/> can give (over every option of its choices), each with the path giving it.</summary>
    private static Dictionary<string, string> Keys(JsonElement value, string path, string? prefix)
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object when value.TryGetProperty(KindField, out _):
                if (Options(value, path) is { } options)
                {
                    // One option is chosen per trial: options may give the same keys, and the choice's place gives them.
                    foreach (var (option, optionPath) in options)
                    {
                        foreach (var (key, from) in Keys(option, optionPath, prefix))
                        {
                            keys.TryAdd(key, from);
                        }
                    }

                    return keys;
                }

                return Leaf(path, prefix);
            case JsonValueKind.Object when value.EnumerateObject().Any():
                foreach (var member in value.EnumerateObject())
                {
                    Merge(keys, Keys(member.Value, SpacePath.Key(path, member.Name), prefix is null ? member.Name : $"{prefix}.{member.Name}"));
                }

                return keys;
            case JsonValueKind.Array when value.GetArrayLength() > 0:
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    var name = index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    Merge(keys, Keys(item, SpacePath.Index(path, index++), prefix is null ? name : $"{prefix}.{name}"));
                }

                return keys;
            case JsonValueKind.String when TrackingClient.ParamValueProblem(value.GetString()!) is { } problem:
                throw new SpecException($"{path}: the tracking param value \"{InputText.Shown(value.GetString()!)}\" {problem}");
            default:
                return Leaf(path, prefix);
        }
    }

    /// <summary>A choice's or pchoice's options with their paths; null for a numeric node (or one the space reader will refuse).</summary>
    private static List<(JsonElement Option, string Path)>? Options(JsonElement node, string path)
    {
        if (!node.TryGetProperty("options", out var options) || options.ValueKind != JsonValueKind.Array
            || !node.TryGetProperty(KindField, out var kind) || kind.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var optionsPath = SpacePath.Key(path, "options");
        var weighted = kind.GetString() == "pchoice";
        var list = new List<(JsonElement, string)>();
        var index = 0;
        foreach (var option in options.EnumerateArray())
        {
            var optionPath = SpacePath.Index(optionsPath, index++);
            if (!weighted)
            {
                list.Add((option, optionPath));
            }
            else if (option.ValueKind == JsonValueKind.Object && option.TryGetProperty("value", out var weightedValue))
            {
                list.Add((weightedValue, SpacePath.Key(optionPath, "value")));
            }
        }

        return list;
    }

    private static Dictionary<string, string> Leaf(string path, string? prefix)
    {
        var key = prefix ?? "value";
        return TrackingClient.ParamKeyProblem(key) is { } problem
            ? throw new SpecException($"{path}: the tracking param key '{InputText.Shown(key)}' {problem}")
            : new Dictionary<string, string>(StringComparer.Ordinal) { [key] = path };
    }

    /// <summary>Adds the keys of one member or item; two members of the same trial giving one key would log it twice.</summary>
    private static void Merge(Dictionary<string, string> keys, Dictionary<string, string> more)
    {
        foreach (var (key, from) in more)
        {
            if (!keys.TryAdd(key, from))
            {
                throw new SpecException($"{from}: gives the tracking param key '{InputText.Shown(key)}', which {keys[key]} gives too; each param key must come from one place");
            }
        }
    }
}
