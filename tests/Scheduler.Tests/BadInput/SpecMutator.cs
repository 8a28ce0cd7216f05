using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>
/// Derives invalid spec files from valid ones, deterministically (one seeded generator). Every mutation breaks a
/// rule the spec loader must enforce (a required member gone, a wrong JSON type or value, a non-JSON literal, a
/// number no double holds, nesting beyond the bound, a duplicate member, bytes that are not UTF-8, a cut-off file,
/// an unknown member, a bad experiment name, a file that is empty or not an object), so each one must be rejected.
/// Mutations of literal values inside the space are avoided: any JSON value is a valid literal there.
/// </summary>
internal static class SpecMutator
{
    private const string RawMarker = "@@raw-token@@";

    private static readonly string[] RequiredRootMembers = ["name", "objective", "space", "maxEvals"];

    private static readonly string[] IntegerRootMembers = ["maxEvals", "maxQueueLen", "parallelism", "seed"];

    private static readonly string[] NumericHpArguments = ["low", "high", "q", "mu", "sigma"];

    /// <summary>Byte sequences that are never valid UTF-8: a stray 0xFF, an overlong '/', a UTF-16 surrogate, a lone continuation byte, a cut-off 3-byte sequence, a code point above U+10FFFF.</summary>
    private static readonly byte[][] InvalidUtf8 = [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80], [0xFE, 0xFE]];

    private static readonly string[] NonFiniteLiterals = ["NaN", "Infinity", "-Infinity", "nan", "inf", "+1"];

    public static IReadOnlyList<SpecMutation> Generate(IReadOnlyList<(string Name, string Json)> seeds, int seed)
    {
        var random = new Random(seed);
        var mutations = new List<SpecMutation>();
        foreach (var (name, json) in seeds)
        {
            var root = JsonNode.Parse(json)!.AsObject();
            var locations = Locations(root, []).ToList();
            mutations.AddRange(MissingMembers(name, root, locations));
            mutations.AddRange(WrongRootTypes(name, root));
            mutations.AddRange(WrongSpaceValues(name, root, locations));
            mutations.AddRange(NonFiniteNumbers(name, root, locations, random));
            mutations.AddRange(HugeNumbers(name, root, locations, random));
            mutations.AddRange(DeepNesting(name, root, locations, random));
            mutations.AddRange(DuplicateMembers(name, root, locations, random));
            mutations.AddRange(NotUtf8(name, root, random));
            mutations.AddRange(Truncations(name, root, random));
            mutations.AddRange(UnknownMembers(name, root, locations));
            mutations.AddRange(BadExperimentNames(name, root));
            mutations.AddRange(LoneSurrogates(name, root, locations));
            mutations.AddRange(UntrackableParams(name, root, locations));
        }

        mutations.AddRange(EmptyOrNotAnObject());
        return mutations;
    }

    private static IEnumerable<SpecMutation> MissingMembers(string seed, JsonObject root, List<Location> locations)
    {
        foreach (var member in RequiredRootMembers)
        {
            yield return Mutation("missing-member", $"{seed}: without $.{member}", false, Without(root, [member]));
        }

        foreach (var node in locations.Where(l => l.IsHpNode))
        {
            var kind = (string)node.Value!["$hp"]!;
            var required = kind switch
            {
                "choice" or "pchoice" => ["options"],
                "randint" => ["high"],
                _ => node.Value!.AsObject().Select(p => p.Key).Where(k => k != "$hp").ToArray(),
            };
            foreach (var argument in required)
            {
                yield return Mutation("missing-member", $"{seed}: {node.Path} without '{argument}'", true, Without(root, [.. node.Segments, argument]));
            }
        }

        if (root["earlyStop"] is not null)
        {
            yield return Mutation("missing-member", $"{seed}: earlyStop.noProgress without trials", false, Without(root, ["earlyStop", "noProgress", "trials"]));
        }
    }

    private static IEnumerable<SpecMutation> WrongRootTypes(string seed, JsonObject root)
    {
        var table = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["name"] = ["5", "true", "[]", "{}", "\"\"", "null"],
            ["objective"] = ["5", "true", "[]", "\"\"", "null"],
            ["maxEvals"] = ["\"10\"", "2.5", "true", "[]", "{}", "-1", "0", "1000001", "null"],
            ["maxQueueLen"] = ["\"2\"", "2.5", "[]", "-1", "0", "1025"],
            ["parallelism"] = ["\"4\"", "0.5", "false", "-3", "0"],
            ["seed"] = ["\"7\"", "7.5", "{}", "-1"],
            ["timeoutSeconds"] = ["\"60\"", "true", "[]", "0", "-1", "31536001", "1e-300", "4294968"],
            ["trialTimeoutSeconds"] = ["\"5\"", "{}", "0", "-0.5", "1e-300", "0.0001", "31536000"],
            ["lossThreshold"] = ["\"0.4\"", "true", "[]", "{}"],
            ["earlyStop"] = ["\"x\"", "5", "[]", "{}", """{"noProgress": {"trials": 0}}""", """{"noProgress": {"trials": 5, "percent": -1}}"""],
            ["pointsToEvaluate"] = ["\"x\"", "5", "{}", "[5]", """[{"x1": "a"}]""", """[{"x1": [1]}]"""],
            ["tracking"] = ["\"x\"", "5", "[]", """{"enabled": "yes"}""", """{"enabled": 1}"""],
            ["algo"] = ["5", "true", "[]", "{}", """{"name": 5}""", """{"name": "tpe", "gamma": 0.25}"""],
        };
        foreach (var (member, values) in table)
        {
            if (root[member] is null)
            {
                continue;
            }

            foreach (var value in values)
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: $.{member} = {value}", false, Replace(root, [member], value));
            }
        }
    }

    private static IEnumerable<SpecMutation> WrongSpaceValues(string seed, JsonObject root, List<Location> locations)
    {
        foreach (var node in locations.Where(l => l.IsHpNode))
        {
            var hp = node.Value!.AsObject();
            var kind = (string)hp["$hp"]!;
            foreach (var value in new[] { "5", "\"uniformm\"", "null", "\"\"", "[]" })
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.$hp = {value}", true, Replace(root, [.. node.Segments, "$hp"], value));
            }

            yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.label = 5", true, Replace(root, [.. node.Segments, "label"], "5"));
            foreach (var argument in hp.Select(p => p.Key).Where(k => NumericHpArguments.Contains(k)))
            {
                foreach (var value in new[] { "\"abc\"", "true", "[]", "{}", "null", """{"$hp": "uniform", "low": 0, "high": 1}""", Quote(new string('9', 10_000)) })
                {
                    yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.{argument} = {Shorten(value)}", true, Replace(root, [.. node.Segments, argument], value));
                }
            }

            // The distributions' own rules: low < high, sigma > 0, q > 0, a non-empty choice, probabilities summing to 1.
            if (hp["low"] is { } low && hp["high"] is not null)
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.high = low", true, Replace(root, [.. node.Segments, "high"], low.ToJsonString()));
            }

            if (hp["sigma"] is not null)
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.sigma = 0", true, Replace(root, [.. node.Segments, "sigma"], "0"));
            }

            if (hp["q"] is not null)
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.q = -1", true, Replace(root, [.. node.Segments, "q"], "-1"));
            }

            if (kind is "uniformint" or "randint")
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.high = 2.5", true, Replace(root, [.. node.Segments, "high"], "2.5"));
            }

            if (kind is "choice" or "pchoice")
            {
                foreach (var value in new[] { "[]", "\"abc\"", "5", "{}" })
                {
                    yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.options = {value}", true, Replace(root, [.. node.Segments, "options"], value));
                }
            }

            if (kind == "pchoice")
            {
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.options[0].p = 0.9", true, Replace(root, [.. node.Segments, "options", 0, "p"], "0.9"));
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.options[0].p = \"x\"", true, Replace(root, [.. node.Segments, "options", 0, "p"], "\"x\""));
                yield return Mutation("missing-member", $"{seed}: {node.Path}.options[0] without value", true, Without(root, [.. node.Segments, "options", 0, "value"]));
                yield return Mutation("wrong-type-or-value", $"{seed}: {node.Path}.options[0] = 3", true, Replace(root, [.. node.Segments, "options", 0], "3"));
            }
        }
    }

    /// <summary>Literals JSON does not have; a reader that accepted them would hand NaN to the algorithm.</summary>
    private static IEnumerable<SpecMutation> NonFiniteNumbers(string seed, JsonObject root, List<Location> locations, Random random)
    {
        foreach (var number in Pick(locations.Where(l => l.IsNumber).ToList(), 6, random))
        {
            var literal = NonFiniteLiterals[random.Next(NonFiniteLiterals.Length)];
            yield return Mutation("nan-infinity", $"{seed}: {number.Path} = {literal}", number.InSpace, Replace(root, number.Segments, literal));
        }
    }

    /// <summary>Numbers beyond a double (1e400, 400 digits) anywhere but in space literals; beyond a long in integer members.</summary>
    private static IEnumerable<SpecMutation> HugeNumbers(string seed, JsonObject root, List<Location> locations, Random random)
    {
        string[] huge = ["1e400", "-1e400", "1" + new string('0', 400), "-" + new string('9', 400) + ".5"];
        foreach (var number in Pick(locations.Where(l => l.IsNumber && !l.IsSpaceLiteral).ToList(), 8, random))
        {
            var value = huge[random.Next(huge.Length)];
            yield return Mutation("huge-number", $"{seed}: {number.Path} = {Shorten(value)}", number.InSpace, Replace(root, number.Segments, value));
        }

        foreach (var member in IntegerRootMembers.Where(m => root[m] is not null))
        {
            yield return Mutation("huge-number", $"{seed}: $.{member} = 30 digits", false, Replace(root, [member], "123456789012345678901234567890"));
        }
    }

    private static IEnumerable<SpecMutation> DeepNesting(string seed, JsonObject root, List<Location> locations, Random random)
    {
        foreach (var location in Pick(locations, 5, random))
        {
            var arrays = random.Next(2) == 0;
            var value = arrays
                ? new string('[', 10_000) + "1" + new string(']', 10_000)
                : string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000);
            yield return Mutation("deep-nesting", $"{seed}: {location.Path} = 10,000 nested {(arrays ? "arrays" : "objects")}", location.InSpace, Replace(root, location.Segments, value));
        }
    }

    /// <summary>A member written twice; the second "maxEvals" must not silently win.</summary>
    private static IEnumerable<SpecMutation> DuplicateMembers(string seed, JsonObject root, List<Location> locations, Random random)
    {
        foreach (var member in root.Select(p => p.Key))
        {
            yield return Mutation("duplicate-member", $"{seed}: $.{member} twice", member == "space", Duplicate(root, [member]));
        }

        foreach (var location in Pick(locations.Where(l => l.Segments.Count > 1 && l.Segments[^1] is string).ToList(), 6, random))
        {
            yield return Mutation("duplicate-member", $"{seed}: {location.Path} twice", location.InSpace, Duplicate(root, location.Segments));
        }
    }

    private static IEnumerable<SpecMutation> NotUtf8(string seed, JsonObject root, Random random)
    {
        var text = Encoding.UTF8.GetBytes(root.ToJsonString());
        for (var i = 0; i < 8; i++)
        {
            var sequence = InvalidUtf8[random.Next(InvalidUtf8.Length)];
            var at = random.Next(text.Length + 1);
            var bytes = (byte[])[.. text[..at], .. sequence, .. text[at..]];
            yield return Mutation("not-utf8", $"{seed}: {Convert.ToHexString(sequence)} inserted at byte {at}", false, bytes);
        }

        // A Latin-1 file: the same spec with an accented name, encoded as ISO-8859-1 instead of UTF-8.
        var latin1 = root.DeepClone().AsObject();
        latin1["name"] = "café-experiment";
        yield return Mutation("not-utf8", $"{seed}: saved as Latin-1", false, Encoding.Latin1.GetBytes(latin1.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })));
    }

    /// <summary>A proper prefix of an object document is never a document; cut at random points of the indented text.</summary>
    private static IEnumerable<SpecMutation> Truncations(string seed, JsonObject root, Random random)
    {
        var text = Encoding.UTF8.GetBytes(root.ToJsonString(new() { WriteIndented = true }).TrimEnd());
        for (var i = 0; i < 8; i++)
        {
            var length = random.Next(text.Length - 1);
            yield return Mutation("truncated", $"{seed}: first {length} of {text.Length} bytes", false, text[..length]);
        }
    }

    private static IEnumerable<SpecMutation> UnknownMembers(string seed, JsonObject root, List<Location> locations)
    {
        foreach (var member in new[] { "maxEval", "Name", "seeds", "max_evals", "", new string('k', 10_000), "max\nEvals", "evil\u001b[31m" })
        {
            yield return Mutation("unknown-member", $"{seed}: $ + {Shorten(Quote(member))}", false, Added(root, [], member, "1"));
        }

        if (locations.FirstOrDefault(l => l.IsHpNode) is { } node)
        {
            yield return Mutation("unknown-member", $"{seed}: {node.Path} + lo", true, Added(root, node.Segments, "lo", "1"));
        }

        if (root["earlyStop"] is not null)
        {
            yield return Mutation("unknown-member", $"{seed}: $.earlyStop.noProgress + trial", false, Added(root, ["earlyStop", "noProgress"], "trial", "5"));
        }

        if (root["tracking"] is not null)
        {
            yield return Mutation("unknown-member", $"{seed}: $.tracking + enable", false, Added(root, ["tracking"], "enable", "false"));
        }
    }

    private static IEnumerable<SpecMutation> BadExperimentNames(string seed, JsonObject root)
    {
        foreach (var name in new[] { "a\u0000b", "line1\nline2", "tab\there", "\u001b[2Jclear", new string('n', 251), new string('n', 10_000), "   ", "\t" })
        {
            yield return Mutation("bad-name", $"{seed}: $.name = {Shorten(Quote(name))}", false, Replace(root, ["name"], Quote(name)));
        }
    }

    /// <summary>
    /// A lone UTF-16 surrogate written as a JSON escape, in every string of the file and in every object's first
    /// member name: valid JSON and valid UTF-8, but not Unicode text. Deterministic (no draws from the generator),
    /// so the mutations of the other kinds stay the same files.
    /// </summary>
    private static IEnumerable<SpecMutation> LoneSurrogates(string seed, JsonObject root, List<Location> locations)
    {
        string[] escapes = ["\\ud800", "\\udfff", "\\udbff\\u0041"];
        var next = 0;
        foreach (var text in locations.Where(l => l.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String))
        {
            var escape = escapes[next++ % escapes.Length];
            var quoted = text.Value!.ToJsonString();
            yield return Mutation("lone-surrogate", $"{seed}: {text.Path} + {escape}", text.InSpace, Replace(root, text.Segments, $"{quoted[..^1]}{escape}\""));
        }

        foreach (var obj in locations.Where(l => l.Value is JsonObject { Count: > 0 }).Prepend(new Location([], root)))
        {
            var escape = escapes[next++ % escapes.Length];
            var member = ((JsonObject)obj.Value!).First().Key;
            yield return Mutation("lone-surrogate", $"{seed}: {obj.Path} member '{member}' + {escape}", obj.InSpace, RenamedMember(root, obj.Segments, member, escape));
        }
    }

    /// <summary>
    /// Space member names and strings the tracking store refuses as param keys and values (U+0000, a key over 250
    /// characters, a value over 6000, one key given by two members): refused when the spec is read, before the
    /// experiment exists in the store. Deterministic, like <see cref="LoneSurrogates"/>.
    /// </summary>
    private static IEnumerable<SpecMutation> UntrackableParams(string seed, JsonObject root, List<Location> locations)
    {
        if (root["space"] is not JsonObject space || space.ContainsKey("$hp") || root["tracking"]?["enabled"]?.GetValue<bool>() == false)
        {
            yield break;
        }

        // Objects whose members are logged: not nodes, nor a pchoice's {"p", "value"} options.
        foreach (var obj in locations.Where(l => l.InSpace && l.Value is JsonObject o && !o.ContainsKey("$hp") && !(o.ContainsKey("p") && o.ContainsKey("value"))))
        {
            yield return Mutation("untrackable-param", $"{seed}: {obj.Path} + a member named \"x\\u0000y\"", true, Added(root, obj.Segments, "x\0y", "1"));
        }

        // A node's "$hp" and "label" strings are read by the node, not logged: a label is not a param key.
        foreach (var text in locations.Where(l => l.IsSpaceLiteral && l.Segments[^1] is not ("label" or "$hp")
            && l.Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String))
        {
            yield return Mutation("untrackable-param", $"{seed}: {text.Path} = \"a\\u0000b\"", true, Replace(root, text.Segments, "\"a\\u0000b\""));
        }

        yield return Mutation("untrackable-param", $"{seed}: $.space + a 251-character member name", true, Added(root, ["space"], new string('k', 251), "1"));
        yield return Mutation("untrackable-param", $"{seed}: $.space + a 6001-character string", true, Added(root, ["space"], "prompt", Quote(new string('p', 6001))));
        yield return Mutation("untrackable-param", $"{seed}: $.space + \"dup.x\" and \"dup\": {{\"x\"}}", true, Added(root, ["space"], "dup.x", "1, \"dup\": {\"x\": 2}"));
    }

    private static IEnumerable<SpecMutation> EmptyOrNotAnObject()
    {
        foreach (var text in new[] { "", " \n\t ", "\uFEFF", "null", "[]", "42", "\"spec\"", "true", "{}", "{", "}", "{\"name\": \"n\"}" })
        {
            yield return Mutation("empty-or-not-an-object", $"file {Shorten(Quote(text))}", false, Encoding.UTF8.GetBytes(text));
        }
    }

    private static SpecMutation Mutation(string kind, string description, bool inSpace, string json) =>
        new(kind, description, inSpace, Encoding.UTF8.GetBytes(json));

    private static SpecMutation Mutation(string kind, string description, bool inSpace, byte[] bytes) => new(kind, description, inSpace, bytes);

    private static List<T> Pick<T>(List<T> items, int count, Random random) =>
        items.Count <= count ? items : items.OrderBy(_ => random.Next()).Take(count).ToList();

    private static string Without(JsonObject root, IReadOnlyList<object> segments)
    {
        var copy = root.DeepClone();
        var parent = Navigate(copy, segments.Take(segments.Count - 1));
        parent.AsObject().Remove((string)segments[^1]);
        return copy.ToJsonString();
    }

    /// <summary>The document with the value at <paramref name="segments"/> replaced by raw JSON text (which may be invalid JSON on purpose).</summary>
    private static string Replace(JsonObject root, IReadOnlyList<object> segments, string rawValue)
    {
        var copy = root.DeepClone();
        var parent = Navigate(copy, segments.Take(segments.Count - 1));
        if (segments[^1] is string key)
        {
            parent.AsObject()[key] = RawMarker;
        }
        else
        {
            parent.AsArray()[(int)segments[^1]] = RawMarker;
        }

        return copy.ToJsonString().Replace($"\"{RawMarker}\"", rawValue, StringComparison.Ordinal);
    }

    private static string Added(JsonObject root, IReadOnlyList<object> segments, string member, string rawValue)
    {
        var copy = root.DeepClone();
        Navigate(copy, segments).AsObject()[member] = RawMarker;
        return copy.ToJsonString().Replace($"\"{RawMarker}\"", rawValue, StringComparison.Ordinal);
    }

    /// <summary>The document with one member of the object at <paramref name="segments"/> renamed to its name plus raw JSON escapes.</summary>
    private static string RenamedMember(JsonObject root, IReadOnlyList<object> segments, string member, string rawSuffix)
    {
        var copy = root.DeepClone();
        var parent = Navigate(copy, segments).AsObject();
        var value = parent[member]?.DeepClone();
        parent.Remove(member);
        parent[RawMarker] = value;
        var name = JsonValue.Create(member).ToJsonString();
        return copy.ToJsonString().Replace($"\"{RawMarker}\"", $"{name[..^1]}{rawSuffix}\"", StringComparison.Ordinal);
    }

    /// <summary>The member at <paramref name="segments"/> written twice in its object (same value both times).</summary>
    private static string Duplicate(JsonObject root, IReadOnlyList<object> segments)
    {
        var copy = root.DeepClone();
        var value = Navigate(copy, segments)?.ToJsonString() ?? "null";
        var key = (string)segments[^1];
        var keyJson = JsonValue.Create(key).ToJsonString();
        return Replace(copy.AsObject(), segments, $"{value},{keyJson}:{value}");
    }

    private static JsonNode Navigate(JsonNode root, IEnumerable<object> segments)
    {
        var node = root;
        foreach (var segment in segments)
        {
            node = segment is string key ? node[key]! : node[(int)segment]!;
        }

        return node;
    }

    private static IEnumerable<Location> Locations(JsonNode? node, IReadOnlyList<object> segments)
    {
        if (segments.Count > 0)
        {
            yield return new Location(segments, node);
        }

        IEnumerable<(object Segment, JsonNode? Child)> children = node switch
        {
            JsonObject o => o.Select(p => ((object)p.Key, p.Value)),
            JsonArray a => a.Select((child, i) => ((object)i, child)),
            _ => [],
        };
        foreach (var (segment, child) in children)
        {
            foreach (var location in Locations(child, [.. segments, segment]))
            {
                yield return location;
            }
        }
    }

    private static string Quote(string text) => JsonValue.Create(text).ToJsonString();

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 20), $"...({text.Length} chars)");

    /// <summary>A place in the seed document: its path segments (member names and indexes) and its value.</summary>
    private sealed record Location(IReadOnlyList<object> Segments, JsonNode? Value)
    {
        public string Path => "$" + string.Concat(Segments.Select(s => s is int i ? $"[{i.ToString(CultureInfo.InvariantCulture)}]" : $".{s}"));

        public bool InSpace => Segments.Count > 0 && Segments[0] is "space";

        public bool IsHpNode => InSpace && Value is JsonObject o && o.ContainsKey("$hp");

        public bool IsNumber => Value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number;

        /// <summary>A value of the space that no $hp node reads as an argument: a literal, where any JSON value is valid.</summary>
        public bool IsSpaceLiteral => InSpace && !IsHpArgument;

        private bool IsHpArgument =>
            Segments.Count >= 2 && Segments[^1] is string argument
            && (NumericHpArguments.Contains(argument) || argument == "p")
            && Segments.Count > 2 && Segments[^2] is not "options";
    }
}
