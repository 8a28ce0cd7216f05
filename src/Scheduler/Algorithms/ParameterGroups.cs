namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Optuna's group decomposition (<c>TPESampler(multivariate=True, group=True)</c>): parameters that were active in
/// exactly the same observations form a group, so each group can get its own joint kernel, fitted on the
/// observations where the group was active. On a space without conditional parameters that is one group of all.
/// </summary>
internal static class ParameterGroups
{
    /// <summary>The groups as parameter indices, each ascending, ordered by their first parameter.</summary>
    public static int[][] Of(ObservationColumns observations)
    {
        var count = observations.Space.Parameters.Count;
        if (!observations.HasInactive)
        {
            return [Enumerable.Range(0, count).ToArray()];
        }

        var groups = new List<List<int>>();
        for (var p = 0; p < count; p++)
        {
            var group = groups.Find(g => SameActivity(observations, g[0], p));
            if (group is null)
            {
                groups.Add([p]);
            }
            else
            {
                group.Add(p);
            }
        }

        return [.. groups.Select(g => g.ToArray())];
    }

    private static bool SameActivity(ObservationColumns observations, int first, int second)
    {
        for (var row = 0; row < observations.Count; row++)
        {
            if (observations.IsActive(first, row) != observations.IsActive(second, row))
            {
                return false;
            }
        }

        return true;
    }
}
