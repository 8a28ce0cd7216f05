namespace HyperQueue.Scheduler.Spaces;

/// <summary>A <c>choice</c> or <c>pchoice</c>: options are structures, so they may hold conditional parameters.</summary>
internal sealed class ChoiceNode : SpaceNode
{
    public ChoiceNode(string label, IReadOnlyList<object?> options, IReadOnlyList<double>? probabilities)
        : base(probabilities is null ? DistributionKind.Choice : DistributionKind.PChoice, label)
    {
        Options = options;
        Probabilities = probabilities;
    }

    public IReadOnlyList<object?> Options { get; }

    /// <summary>Null for a uniform <c>choice</c>.</summary>
    public IReadOnlyList<double>? Probabilities { get; }
}
