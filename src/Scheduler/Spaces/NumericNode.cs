namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// A numeric distribution. Bounds are as given (log families: in log space); randint's high is exclusive.
/// Fields a family does not use are zero (and <see cref="Q"/> null).
/// </summary>
internal sealed class NumericNode(DistributionKind kind, string label) : SpaceNode(kind, label)
{
    public double Low { get; init; }

    public double High { get; init; }

    public double Mu { get; init; }

    public double Sigma { get; init; }

    public double? Q { get; init; }
}
