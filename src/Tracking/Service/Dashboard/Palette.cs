using System.Globalization;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>Colors by loss rank: deep blue for the best trials through teal to amber for the worst.</summary>
internal static class Palette
{
    /// <summary><paramref name="rank"/> in [0, 1], 0 being the best.</summary>
    public static string ForRank(double rank)
    {
        var t = Math.Clamp(rank, 0, 1);
        var hue = 222 - (t * 190);
        var lightness = 42 + (t * 10);
        return string.Create(CultureInfo.InvariantCulture, $"hsl({hue:0} 78% {lightness:0}%)");
    }

    /// <summary>Each loss's rank among <paramref name="losses"/> (0 best, 1 worst), so one outlier cannot wash out the colors.</summary>
    public static Func<double, double> Ranker(IEnumerable<double> losses)
    {
        var sorted = losses.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length <= 1)
        {
            return _ => 0;
        }

        return loss =>
        {
            var index = Array.BinarySearch(sorted, loss);
            return (double)(index < 0 ? ~index : index) / (sorted.Length - 1);
        };
    }
}
