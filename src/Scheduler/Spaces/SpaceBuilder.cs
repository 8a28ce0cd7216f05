using System.Collections;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// Compiles a C# structure into a <see cref="SearchSpace"/>: finds every node with the choices leading to it,
/// checks labels are unique and the structure has no cycle, orders parameters so a choice precedes the parameters
/// inside its options, then builds the evaluation templates.
/// </summary>
internal sealed class SpaceBuilder
{
    private readonly Dictionary<SpaceNode, List<IReadOnlyList<ChoiceCondition>>> places = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (SpaceNode Node, string Path)> labels = new(StringComparer.Ordinal);
    private readonly List<SpaceNode> firstSeen = [];
    private readonly HashSet<object> onPath = new(ReferenceEqualityComparer.Instance);
    private readonly List<string> warnings = [];

    public static SearchSpace Build(object? structure)
    {
        var builder = new SpaceBuilder();
        builder.Discover(structure, SpacePath.Root, []);
        var ordered = builder.Order();
        var parameters = ordered.ToDictionary(p => p.Node, p => p, (IEqualityComparer<SpaceNode>)ReferenceEqualityComparer.Instance);
        var template = Compile(structure, parameters);
        return new SearchSpace(template, ordered, builder.warnings);
    }

    private void Discover(object? value, string path, IReadOnlyList<ChoiceCondition> conditions)
    {
        if (value is SpaceNode or IDictionary or IList && !onPath.Add(value))
        {
            throw new ArgumentException($"{path}: the structure contains itself (a cycle)");
        }

        switch (value)
        {
            case SpaceNode node:
                Register(node, path, conditions);
                if (node is ChoiceNode choice)
                {
                    for (var i = 0; i < choice.Options.Count; i++)
                    {
                        var optionPath = SpacePath.Index($"{path}.options", i);
                        Discover(choice.Options[i], choice.Probabilities is null ? optionPath : $"{optionPath}.value", [.. conditions, new ChoiceCondition(choice.Label, i)]);
                    }
                }

                break;
            case IDictionary dictionary:
                // Keys are visited in ordinal order (as hyperopt sorts dict keys), so the parameter order and thus the
                // draws for a seed do not depend on the order a dictionary or JSON object lists its keys.
                foreach (var key in Keys(dictionary, path).Order(StringComparer.Ordinal))
                {
                    Discover(dictionary[key], SpacePath.Key(path, key), conditions);
                }

                break;
            case IList list:
                for (var i = 0; i < list.Count; i++)
                {
                    Discover(list[i], SpacePath.Index(path, i), conditions);
                }

                break;
            default:
                if (LiteralTemplate.TryCreate(value, out var reason) is null)
                {
                    throw new ArgumentException($"{path}: {reason}");
                }

                break;
        }

        if (value is SpaceNode or IDictionary or IList)
        {
            onPath.Remove(value);
        }
    }

    private void Register(SpaceNode node, string path, IReadOnlyList<ChoiceCondition> conditions)
    {
        if (places.TryGetValue(node, out var known))
        {
            known.Add(conditions);
            return;
        }

        if (labels.TryGetValue(node.Label, out var other))
        {
            throw new ArgumentException(
                $"{path}: label '{node.Label}' is used by two different nodes ({other.Node} at {other.Path} and {node} here); labels must be unique across the whole space, exclusive choice options included");
        }

        labels.Add(node.Label, (node, path));
        places.Add(node, [conditions]);
        firstSeen.Add(node);
        if (node is NumericNode { Q: { } q } numeric && numeric.Kind is not DistributionKind.UniformInt)
        {
            WarnIfOffGrid(numeric, q);
        }
    }

    private void WarnIfOffGrid(NumericNode node, double q)
    {
        var (low, high, what) = node.Kind switch
        {
            DistributionKind.QUniform => (node.Low, node.High, "low"),
            DistributionKind.QLogUniform => (Math.Exp(node.Low), Math.Exp(node.High), "exp(low)"),
            _ => (double.NaN, double.NaN, string.Empty),
        };
        if (double.IsNaN(low))
        {
            return;
        }

        if (!IsMultiple(low, q))
        {
            warnings.Add($"{node}: {what} ({NodeArguments.Format(low)}) is not a multiple of q ({NodeArguments.Format(q)}), so values can fall below it (round(x / q) * q is hyperopt's formula)");
        }

        if (!IsMultiple(high, q))
        {
            warnings.Add($"{node}: high bound ({NodeArguments.Format(high)}) is not a multiple of q ({NodeArguments.Format(q)}), so values can exceed it (round(x / q) * q is hyperopt's formula)");
        }
    }

    /// <summary>Relative tolerance so that, e.g., exp(log(100)) counts as a multiple of 10.</summary>
    private static bool IsMultiple(double value, double q) =>
        Math.Abs(Math.IEEERemainder(value, q)) <= 1e-9 * Math.Max(Math.Abs(value), q);

    private List<Hyperparameter> Order()
    {
        var nodesByLabel = firstSeen.ToDictionary(n => n.Label, StringComparer.Ordinal);
        var ordered = new List<Hyperparameter>(firstSeen.Count);
        var done = new HashSet<SpaceNode>(ReferenceEqualityComparer.Instance);

        void Visit(SpaceNode node)
        {
            if (!done.Add(node))
            {
                return;
            }

            var activity = Activity.FromPlaces(places[node]);
            foreach (var choiceLabel in activity.ChoiceLabels)
            {
                Visit(nodesByLabel[choiceLabel]);
            }

            ordered.Add(new Hyperparameter(node, activity));
        }

        foreach (var node in firstSeen)
        {
            Visit(node);
        }

        return ordered;
    }

    /// <summary>Builds the templates of a structure <see cref="Discover"/> has already checked.</summary>
    private static SpaceTemplate Compile(object? value, Dictionary<SpaceNode, Hyperparameter> parameters) => value switch
    {
        ChoiceNode choice => new ChoiceTemplate(parameters[choice], [.. choice.Options.Select(o => Compile(o, parameters))]),
        SpaceNode node => new NumericTemplate(parameters[node]),
        IDictionary dictionary => new ObjectTemplate([.. Keys(dictionary, SpacePath.Root).Select(k => KeyValuePair.Create(k, Compile(dictionary[k], parameters)))]),
        IList list => new ArrayTemplate([.. list.Cast<object?>().Select(o => Compile(o, parameters))]),
        _ => LiteralTemplate.TryCreate(value, out _)!,
    };

    private static List<string> Keys(IDictionary dictionary, string path)
    {
        var keys = new List<string>(dictionary.Count);
        foreach (var key in dictionary.Keys)
        {
            keys.Add(key as string ?? throw new ArgumentException($"{path}: dictionary key {key} is a {key.GetType().Name}; keys must be strings"));
        }

        return keys;
    }
}
