namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// When a parameter is active: it is active if, for at least one place it occurs in the structure, every choice on
/// the way to that place picked the option leading there. A parameter with an unconditional place is always active.
/// </summary>
internal sealed class Activity
{
    public static readonly Activity Always = new([]);

    private Activity(IReadOnlyList<IReadOnlyList<ChoiceCondition>> alternatives) => Alternatives = alternatives;

    /// <summary>Empty when always active; otherwise one list of conditions per conditional place.</summary>
    public IReadOnlyList<IReadOnlyList<ChoiceCondition>> Alternatives { get; }

    public bool IsAlways => Alternatives.Count == 0;

    /// <summary>The choices this activity depends on (they must be sampled first).</summary>
    public IEnumerable<string> ChoiceLabels => Alternatives.SelectMany(a => a).Select(c => c.ChoiceLabel).Distinct(StringComparer.Ordinal);

    public static Activity FromPlaces(IReadOnlyList<IReadOnlyList<ChoiceCondition>> places) =>
        places.Any(p => p.Count == 0) ? Always : new Activity(places);

    public bool IsSatisfied(IReadOnlyDictionary<string, double?> assignment) =>
        IsAlways || Alternatives.Any(conditions => conditions.All(c =>
            assignment.TryGetValue(c.ChoiceLabel, out var value) && value == c.Option));
}
