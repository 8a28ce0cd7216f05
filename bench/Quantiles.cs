namespace HyperQueue.Bench;

/// <summary>numpy's default (linear interpolation) percentile, so the figures compare with the peers' scripts.</summary>
internal static class Quantiles
{
    public static double Of(IReadOnlyList<double> values, double fraction)
    {
        var sorted = values.Order().ToArray();
        var position = fraction * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
    }
}
