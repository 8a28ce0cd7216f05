namespace HyperQueue.Scheduler.Spaces;

/// <summary>The hyperopt names of the distributions, used in messages and in the JSON form (<c>"$hp"</c>).</summary>
internal static class DistributionKindNames
{
    private static readonly Dictionary<string, DistributionKind> ByName = Enum.GetValues<DistributionKind>()
        .ToDictionary(ToHyperoptName, kind => kind, StringComparer.Ordinal);

    public static IEnumerable<string> All => ByName.Keys;

    public static string ToHyperoptName(this DistributionKind kind) => kind switch
    {
        DistributionKind.Choice => "choice",
        DistributionKind.PChoice => "pchoice",
        DistributionKind.Uniform => "uniform",
        DistributionKind.QUniform => "quniform",
        DistributionKind.LogUniform => "loguniform",
        DistributionKind.QLogUniform => "qloguniform",
        DistributionKind.Normal => "normal",
        DistributionKind.QNormal => "qnormal",
        DistributionKind.LogNormal => "lognormal",
        DistributionKind.QLogNormal => "qlognormal",
        DistributionKind.RandInt => "randint",
        DistributionKind.UniformInt => "uniformint",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown distribution kind"),
    };

    public static bool TryParse(string name, out DistributionKind kind) => ByName.TryGetValue(name, out kind);
}
