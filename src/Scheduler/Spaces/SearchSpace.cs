using System.Buffers;
using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// A validated search space: hyperopt's space expression (<c>hp.*</c> nodes inside dicts, lists and literals) compiled
/// into labelled <see cref="Parameters"/>, a prior to sample from and hyperopt's <c>space_eval</c>.
/// Immutable once built, so one instance can be shared across threads; randomness comes only from the caller's generator.
/// </summary>
public sealed class SearchSpace
{
    private readonly SpaceTemplate template;
    private readonly Dictionary<string, Hyperparameter> byLabel;

    internal SearchSpace(SpaceTemplate template, IReadOnlyList<Hyperparameter> parameters, IReadOnlyList<string> warnings)
    {
        this.template = template;
        Parameters = parameters;
        Warnings = warnings;
        byLabel = parameters.ToDictionary(p => p.Label, StringComparer.Ordinal);
    }

    /// <summary>
    /// Every labelled parameter in topological order: a choice comes before every parameter inside its options.
    /// Dictionary keys are visited in ordinal order, so the order does not depend on how a dictionary lists its keys.
    /// </summary>
    public IReadOnlyList<Hyperparameter> Parameters { get; }

    /// <summary>Things that are legal but probably unintended, e.g. a quantized low bound that is not a multiple of q.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The parameter with this label; throws <see cref="KeyNotFoundException"/> naming the label if there is none.</summary>
    public Hyperparameter this[string label] => byLabel.TryGetValue(label, out var parameter)
        ? parameter
        : throw new KeyNotFoundException($"the space has no parameter labelled '{label}'");

    /// <summary>
    /// Builds a space from its C# form, like passing a space expression to hyperopt's <c>fmin</c>: <see cref="Hp"/>
    /// nodes inside dictionaries with string keys, lists/arrays and literals (string, bool, null, numbers).
    /// Throws <see cref="ArgumentException"/> naming the location for duplicate labels, cycles and unsupported values.
    /// </summary>
    public static SearchSpace Create(object? structure) => SpaceBuilder.Build(structure);

    /// <summary>
    /// Builds a space from its JSON form: any JSON value is a literal except an object with <c>"$hp"</c>, a node,
    /// e.g. <c>{"$hp": "quniform", "label": "x", "low": 0, "high": 10, "q": 1}</c>. A node's label defaults to its
    /// dotted key path (<c>model.lr</c>). Errors name the JSON path.
    /// </summary>
    public static SearchSpace FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"the space is not valid JSON ({InputText.JsonError(e)})", nameof(json), e);
        }

        using (document)
        {
            return FromJson(document.RootElement);
        }
    }

    /// <inheritdoc cref="FromJson(string)"/>
    public static SearchSpace FromJson(JsonElement json) => Create(JsonSpaceReader.Read(json));

    /// <summary>
    /// Whether <paramref name="parameter"/> takes part in a sample: every choice leading to it picked the option that
    /// contains it. <paramref name="assignment"/> must hold at least the parameters before it in <see cref="Parameters"/>.
    /// </summary>
    public bool IsActive(Hyperparameter parameter, IReadOnlyDictionary<string, double?> assignment)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(assignment);
        if (!byLabel.TryGetValue(parameter.Label, out var own) || !ReferenceEquals(own, parameter))
        {
            throw new ArgumentException($"parameter '{parameter.Label}' belongs to another space", nameof(parameter));
        }

        return parameter.Activity.IsSatisfied(assignment);
    }

    /// <summary>
    /// Draws one raw assignment from the prior (hyperopt's <c>rand.suggest</c>): every label present, inactive ones
    /// null. Parameters are drawn in <see cref="Parameters"/> order and only when active, so the same seed gives the
    /// same samples.
    /// </summary>
    public IReadOnlyDictionary<string, double?> SamplePrior(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var assignment = new Dictionary<string, double?>(Parameters.Count, StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            assignment[parameter.Label] = parameter.Activity.IsSatisfied(assignment) ? parameter.Sample(random) : null;
        }

        return assignment;
    }

    /// <summary>
    /// Like hyperopt's <c>space_eval</c>: the evaluated structure for a raw assignment (choice = option index).
    /// randint and uniformint values are JSON integers; options not chosen are absent. Only active labels are read.
    /// </summary>
    public JsonElement Evaluate(IReadOnlyDictionary<string, double?> assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            template.Write(writer, assignment);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Checks a complete raw assignment (from <c>points_to_evaluate</c> or a resumed store): no unknown or missing
    /// label, a valid value for every active label and null for every inactive one. Throws
    /// <see cref="ArgumentException"/> naming the label and the rule.
    /// </summary>
    public void ValidateAssignment(IReadOnlyDictionary<string, double?> assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        CheckUnknownLabels(assignment);
        foreach (var parameter in Parameters)
        {
            if (!assignment.TryGetValue(parameter.Label, out var value))
            {
                throw Invalid(parameter, "the assignment has no entry for this label (inactive labels hold null)");
            }

            CheckValue(parameter, value, parameter.Activity.IsSatisfied(assignment));
        }
    }

    /// <summary>
    /// Completes a partial raw assignment that lists only the active labels (like hyperopt's
    /// <c>points_to_evaluate</c>): inactive labels are added as null, and the result is validated as in
    /// <see cref="ValidateAssignment"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double?> CompleteAssignment(IReadOnlyDictionary<string, double?> assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        CheckUnknownLabels(assignment);
        var complete = new Dictionary<string, double?>(Parameters.Count, StringComparer.Ordinal);
        foreach (var parameter in Parameters)
        {
            var active = parameter.Activity.IsSatisfied(complete);
            var value = assignment.GetValueOrDefault(parameter.Label);
            CheckValue(parameter, value, active);
            complete[parameter.Label] = value;
        }

        return complete;
    }

    private void CheckUnknownLabels(IReadOnlyDictionary<string, double?> assignment)
    {
        foreach (var label in assignment.Keys)
        {
            if (!byLabel.ContainsKey(label))
            {
                throw new ArgumentException($"assignment: unknown label '{label}'; the space's labels are {string.Join(", ", byLabel.Keys.Select(l => $"'{l}'"))}");
            }
        }
    }

    private static void CheckValue(Hyperparameter parameter, double? value, bool active)
    {
        if (active && value is null)
        {
            throw Invalid(parameter, "the label is active under this assignment but has no value");
        }

        if (!active && value is { } inactiveValue)
        {
            throw Invalid(parameter, $"the label is inactive under this assignment (a choice picked another option) but has value {NodeArguments.Format(inactiveValue)}; inactive labels hold null");
        }

        if (value is { } activeValue && parameter.Reject(activeValue) is { } reason)
        {
            throw Invalid(parameter, reason);
        }
    }

    private static ArgumentException Invalid(Hyperparameter parameter, string rule) =>
        new($"assignment: {parameter.Kind.ToHyperoptName()} '{parameter.Label}': {rule}");
}
