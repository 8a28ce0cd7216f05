using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// The trials a model learns from, in trial order: ok trials with their loss, failed trials and (constant liar)
/// pending points as the worst observations (+inf). Cancelled trials are left out.
/// </summary>
internal sealed class ObservationTable
{
    private readonly List<IReadOnlyDictionary<string, double?>> values = [];
    private readonly List<double> losses = [];

    public int Count => values.Count;

    public int OkCount { get; private set; }

    public IReadOnlyList<IReadOnlyDictionary<string, double?>> Values => values;

    public IReadOnlyList<double> Losses => losses;

    public static ObservationTable From(SuggestionRequest request, bool includePending)
    {
        var table = new ObservationTable();
        foreach (var trial in request.History)
        {
            switch (trial.Status)
            {
                case TrialStatus.Ok when trial.Loss is { } loss && !double.IsNaN(loss):
                    table.values.Add(trial.Values);
                    table.losses.Add(loss);
                    table.OkCount++;
                    break;
                case TrialStatus.Ok or TrialStatus.Fail:
                    // A NaN or missing loss is a failure: the worst observation, never a crash.
                    table.AddWorst(trial.Values);
                    break;
            }
        }

        if (includePending)
        {
            foreach (var point in request.Pending)
            {
                table.AddWorst(point);
            }
        }

        return table;
    }

    public void AddWorst(IReadOnlyDictionary<string, double?> point)
    {
        values.Add(point);
        losses.Add(double.PositiveInfinity);
    }

    /// <summary>Indices of the trials ordered by loss, ties (and all worst observations) in trial order.</summary>
    public int[] RankByLoss()
    {
        var order = new int[losses.Count];
        var keys = new double[losses.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = losses[i];
        }

        // Array.Sort is not stable; the index tie-break makes the order (and so the suggestions) reproducible.
        Array.Sort(order, (a, b) =>
        {
            var byLoss = keys[a].CompareTo(keys[b]);
            return byLoss != 0 ? byLoss : a.CompareTo(b);
        });
        return order;
    }

    public static double? ValueOf(IReadOnlyDictionary<string, double?> point, string label) =>
        point.TryGetValue(label, out var value) ? value : null;
}
