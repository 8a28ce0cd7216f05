using System.Globalization;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>How many trials ended with each status; running trials count only in <see cref="Total"/>.</summary>
public sealed record TrialCounts(int Total, int Succeeded, int Failed, int Cancelled)
{
    /// <summary>The summary line fmin prints at the end: <c>Total trials: T: S succeeded, F failed, C cancelled</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"Total trials: {Total}: {Succeeded} succeeded, {Failed} failed, {Cancelled} cancelled");
}
