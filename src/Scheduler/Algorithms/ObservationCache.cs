using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Keeps the columns of the last history seen, so that a history which only grew (the usual case: one more finished
/// trial per call) costs the new rows only. Any other history is rebuilt from scratch, with the same result.
/// </summary>
internal sealed class ObservationCache
{
    private readonly List<TrialObservation> seen = [];
    private ObservationColumns? columns;

    /// <summary>The columns of <paramref name="history"/>; shared with the cache, so callers must not add rows to them.</summary>
    public ObservationColumns For(SearchSpace space, IReadOnlyList<TrialObservation> history)
    {
        if (columns is null || !ReferenceEquals(columns.Space, space) || !IsPrefixOf(history))
        {
            seen.Clear();
            columns = null;
        }

        columns = ObservationColumns.From(space, history, seen.Count, columns);
        for (var i = seen.Count; i < history.Count; i++)
        {
            seen.Add(history[i]);
        }

        return columns;
    }

    private bool IsPrefixOf(IReadOnlyList<TrialObservation> history)
    {
        if (history.Count < seen.Count)
        {
            return false;
        }

        // Record equality: the same assignment object, loss and status. Linear, but far cheaper than fitting.
        for (var i = 0; i < seen.Count; i++)
        {
            if (!ReferenceEquals(seen[i], history[i]) && !seen[i].Equals(history[i]))
            {
                return false;
            }
        }

        return true;
    }
}
