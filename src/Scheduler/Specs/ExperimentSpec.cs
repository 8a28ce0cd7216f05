using System.Text;
using System.Text.Json;
using HyperQueue.Worker.Commands;

namespace HyperQueue.Scheduler.Specs;

/// <summary>
/// An experiment spec file (the JSON that <c>hq tune</c> runs): what to optimize, over which space, with which
/// algorithm and budget. Loading validates every member before anything runs; errors name the JSON path.
/// </summary>
public sealed record ExperimentSpec
{
    /// <summary>The largest accepted <c>maxEvals</c>; a typo of a few extra zeros should not plan a year of trials.</summary>
    public const int MaxEvalsLimit = 1_000_000;

    public required string Name { get; init; }

    public required ObjectiveSpec Objective { get; init; }

    /// <summary>The search space in its JSON form (<c>{"$hp": ...}</c> nodes inside literals).</summary>
    public required JsonElement Space { get; init; }

    public AlgorithmSpec Algorithm { get; init; } = new("tpe", null);

    public required int MaxEvals { get; init; }

    public int MaxQueueLen { get; init; } = 1;

    public int? Parallelism { get; init; }

    public TimeSpan? Timeout { get; init; }

    public TimeSpan? TrialTimeout { get; init; }

    public double? LossThreshold { get; init; }

    public NoProgressSpec? NoProgress { get; init; }

    public long? Seed { get; init; }

    /// <summary>Raw assignments (choice = option index) evaluated first, exactly as given.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double?>> PointsToEvaluate { get; init; } = [];

    public bool TrackingEnabled { get; init; } = true;

    /// <summary>Reads and validates a spec file.</summary>
    public static ExperimentSpec Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException($"{path}: cannot read the spec file: {ex.Message}", ex);
        }

        return Parse(bytes, path);
    }

    /// <summary>Parses and validates spec JSON; <paramref name="source"/> prefixes every error.</summary>
    public static ExperimentSpec Parse(ReadOnlySpan<byte> utf8Json, string source)
    {
        using var document = ParseDocument(utf8Json, source);
        try
        {
            return FromJson(document.RootElement.Clone());
        }
        catch (SpecException ex)
        {
            throw new SpecException($"{source}: {ex.Message}", ex);
        }
    }

    public static ExperimentSpec Parse(string json, string source) => Parse(Encoding.UTF8.GetBytes(json), source);

    /// <summary>
    /// Parses JSON strictly: no comments, no trailing commas, no duplicate member names (the second "maxEvals"
    /// would otherwise silently win), invalid UTF-8 and lone UTF-16 surrogates rejected, nesting bounded.
    /// </summary>
    internal static JsonDocument ParseDocument(ReadOnlySpan<byte> utf8Json, string source)
    {
        // The reader only checks string contents when they are read, so check the whole text up front.
        if (!System.Text.Unicode.Utf8.IsValid(utf8Json))
        {
            throw new SpecException($"{source}: not valid UTF-8; spec files must be UTF-8 encoded JSON");
        }

        var bytes = utf8Json.ToArray();
        var options = new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, options);
        }
        catch (JsonException ex)
        {
            throw new SpecException($"{source}: not valid JSON ({Spaces.InputText.JsonError(ex)})", ex);
        }
        catch (InvalidOperationException)
        {
            // The duplicate check reads every member name, and throws on a name holding a lone surrogate: find it
            // in the document read without that check.
            using var lenient = JsonDocument.Parse(bytes, options with { AllowDuplicateProperties = true });
            throw LoneSurrogate(lenient, source) ?? new SpecException($"{source}: $: every member name {JsonUnicode.Rule}");
        }

        // Nor does the reader check that an escaped string is Unicode text ("\ud800" alone) until it is read.
        if (LoneSurrogate(document, source) is { } error)
        {
            document.Dispose();
            throw error;
        }

        return document;
    }

    private static SpecException? LoneSurrogate(JsonDocument document, string source) =>
        JsonUnicode.FindLoneSurrogate(document.RootElement, "$", Spaces.SpacePath.Key) is var (path, rule)
            ? new SpecException($"{source}: {path}: {rule}")
            : null;

    /// <summary>The members a spec may have, every one of which <see cref="FromJson"/> reads.</summary>
    private static readonly string[] Members =
    [
        "name", "objective", "space", "algo", "maxEvals", "maxQueueLen", "parallelism", "timeoutSeconds",
        "trialTimeoutSeconds", "lossThreshold", "earlyStop", "seed", "pointsToEvaluate", "tracking",
    ];

    private static ExperimentSpec FromJson(JsonElement root)
    {
        var spec = new JsonObjectReader(root, "$");
        spec.RejectMembersOtherThan(Members);
        var name = spec.String("name", required: true)!;
        // The tracking store refuses a blank experiment name; say so here, before anything starts.
        if (name.Length == 0 || name.Length > 250 || name.Any(char.IsControl) || string.IsNullOrWhiteSpace(name))
        {
            throw new SpecException("$.name: must be 1 to 250 characters without control characters, and not only spaces");
        }

        var result = new ExperimentSpec
        {
            Name = name,
            Objective = ObjectiveSpec.FromJson(spec.Required("objective"), spec.PathOf("objective")),
            Space = spec.Required("space"),
            Algorithm = spec.TryGet("algo", out var algo) ? AlgorithmSpec.FromJson(algo, spec.PathOf("algo")) : new AlgorithmSpec("tpe", null),
            MaxEvals = (int)(spec.Integer("maxEvals", 1, MaxEvalsLimit) ?? throw new SpecException("$.maxEvals: is required (a positive integer)")),
            MaxQueueLen = (int)(spec.Integer("maxQueueLen", 1, 1024) ?? 1),
            Parallelism = (int?)spec.Integer("parallelism", 1, 1_000_000),
            Timeout = Seconds(spec, "timeoutSeconds"),
            TrialTimeout = Seconds(spec, "trialTimeoutSeconds"),
            LossThreshold = spec.Number("lossThreshold"),
            NoProgress = spec.TryGet("earlyStop", out var earlyStop) ? ReadEarlyStop(earlyStop, spec.PathOf("earlyStop")) : null,
            Seed = spec.Integer("seed", 0, long.MaxValue),
            PointsToEvaluate = spec.TryGet("pointsToEvaluate", out var points) ? ReadPoints(points, spec.PathOf("pointsToEvaluate")) : [],
            TrackingEnabled = spec.TryGet("tracking", out var tracking) ? ReadTracking(tracking, spec.PathOf("tracking")) : true,
        };
        spec.RejectUnknownMembers();
        if (result.TrackingEnabled)
        {
            // Every member name and string of the space becomes a param of the trials' runs: the store's rules apply now.
            TrackedParams.Check(result.Space, spec.PathOf("space"));
        }

        return result;
    }

    /// <summary>
    /// A timeout in seconds as a TimeSpan, in the range every runner and timer can hold (<see cref="TimeoutSeconds"/>):
    /// 1e-300 must not round to a zero TimeSpan, nor 1e300 overflow one, after the spec was accepted.
    /// </summary>
    private static TimeSpan? Seconds(JsonObjectReader spec, string name) => spec.Number(name) switch
    {
        null => null,
        { } seconds when TimeoutSeconds.IsValid(seconds) => TimeSpan.FromSeconds(seconds),
        { } seconds => throw new SpecException($"{spec.PathOf(name)}: {Spaces.NodeArguments.Format(seconds)} {TimeoutSeconds.Rule}"),
    };

    private static NoProgressSpec ReadEarlyStop(JsonElement element, string path)
    {
        // Unknown members first: a misspelt one is reported as itself, not as the member it was meant to be, missing.
        var earlyStop = new JsonObjectReader(element, path);
        earlyStop.RejectMembersOtherThan(["noProgress"]);
        var noProgress = new JsonObjectReader(earlyStop.Required("noProgress"), earlyStop.PathOf("noProgress"));
        noProgress.RejectMembersOtherThan(["trials", "percent"]);
        return new NoProgressSpec(
            (int)(noProgress.Integer("trials", 1, MaxEvalsLimit) ?? throw new SpecException($"{noProgress.PathOf("trials")}: is required (a positive integer)")),
            noProgress.PositiveNumber("percent", allowZero: true) ?? 0);
    }

    private static List<IReadOnlyDictionary<string, double?>> ReadPoints(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new SpecException($"{path}: expected an array of objects (label -> raw value), got {JsonObjectReader.Describe(element)}");
        }

        var points = new List<IReadOnlyDictionary<string, double?>>();
        var index = 0;
        foreach (var point in element.EnumerateArray())
        {
            var pointPath = $"{path}[{index++}]";
            if (point.ValueKind != JsonValueKind.Object)
            {
                throw new SpecException($"{pointPath}: expected an object (label -> raw value), got {JsonObjectReader.Describe(point)}");
            }

            var values = new Dictionary<string, double?>(StringComparer.Ordinal);
            foreach (var member in point.EnumerateObject())
            {
                values[member.Name] = member.Value.ValueKind switch
                {
                    JsonValueKind.Null => null,
                    JsonValueKind.Number when member.Value.TryGetDouble(out var number) && double.IsFinite(number) => number,
                    _ => throw new SpecException(
                        $"{pointPath}.{member.Name}: expected a number (a choice's option index) or null, got {JsonObjectReader.Describe(member.Value)}"),
                };
            }

            points.Add(values);
        }

        return points;
    }

    private static bool ReadTracking(JsonElement element, string path)
    {
        var tracking = new JsonObjectReader(element, path);
        var enabled = tracking.Boolean("enabled") ?? true;
        tracking.RejectUnknownMembers();
        return enabled;
    }
}
