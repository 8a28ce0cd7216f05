namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// One labelled node of a search space, built by <see cref="Hp"/> (hyperopt's <c>hp.*</c> expressions). A space
/// structure is a node, a dictionary with string keys, a list or array, or a literal (string, bool, null, number),
/// nested freely. The same node object used in two places is one parameter.
/// </summary>
public abstract class SpaceNode
{
    private protected SpaceNode(DistributionKind kind, string label)
    {
        Kind = kind;
        Label = label;
    }

    /// <summary>The label, unique in a space (hyperopt's label argument).</summary>
    public string Label { get; }

    /// <summary>The distribution of the node.</summary>
    public DistributionKind Kind { get; }

    public override string ToString() => $"{Kind.ToHyperoptName()} '{Label}'";
}
