using System.Globalization;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>Checks fmin's arguments before anything runs, so bad input never reaches the trials store.</summary>
internal static class OptimizationArguments
{
    public static void Validate(OptimizationRequest request)
    {
        if (request.MaxEvals is < 0)
        {
            throw Invalid("maxEvals", request.MaxEvals.Value, "must be >= 0");
        }

        if (request.MaxQueueLen < 1)
        {
            throw Invalid("maxQueueLen", request.MaxQueueLen, "must be >= 1");
        }

        if (request.Timeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw Invalid("timeout", timeout, "must be positive");
        }

        if (request.LossThreshold is { } threshold && double.IsNaN(threshold))
        {
            throw Invalid("lossThreshold", threshold, "must be a number");
        }

        if (request.MaxEvals is null && request.Timeout is null && request.LossThreshold is null && request.EarlyStop is null)
        {
            throw new ArgumentException("fmin needs a way to stop: give maxEvals, timeout, lossThreshold or earlyStop");
        }

        CheckHistoryLabels(request.Space, request.Trials);
    }

    /// <summary>
    /// The points to evaluate first, completed to every label of the space (inactive = null) and validated; a
    /// point already in the store (a resumed experiment) is not evaluated again.
    /// </summary>
    public static Queue<IReadOnlyDictionary<string, double?>> PointsToRun(OptimizationRequest request)
    {
        var points = new List<IReadOnlyDictionary<string, double?>>();
        foreach (var (point, position) in request.PointsToEvaluate.Select((point, position) => (point, position)))
        {
            points.Add(CompletePoint(request.Space, point, position));
        }

        var existing = request.Trials.All;
        return new Queue<IReadOnlyDictionary<string, double?>>(
            points.Where(point => !existing.Any(trial => SameVals(trial.Vals, point))));
    }

    private static IReadOnlyDictionary<string, double?> CompletePoint(
        SearchSpace space, IReadOnlyDictionary<string, double?>? point, int position)
    {
        if (point is null)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"pointsToEvaluate[{position}] is null, expected label -> value"));
        }

        try
        {
            return space.CompleteAssignment(point);
        }
        catch (ArgumentException exception)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"pointsToEvaluate[{position}]: {exception.Message}"),
                exception);
        }
    }

    private static void CheckHistoryLabels(SearchSpace space, Trials trials)
    {
        var labels = Labels(space).ToHashSet(StringComparer.Ordinal);
        foreach (var trial in trials.All)
        {
            var missing = labels.Where(label => !trial.Vals.ContainsKey(label)).Order(StringComparer.Ordinal).ToList();
            var unknown = trial.Vals.Keys.Where(label => !labels.Contains(label)).Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || unknown.Count > 0)
            {
                throw new ArgumentException(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"trials: trial {trial.Number} does not match the space (labels not in the trial: [{string.Join(", ", missing)}]; labels not in the space: [{string.Join(", ", unknown)}]); resume with the space the trials were run on"));
            }
        }
    }

    private static bool SameVals(IReadOnlyDictionary<string, double?> left, IReadOnlyDictionary<string, double?> right) =>
        left.Count == right.Count
        && left.All(pair => right.TryGetValue(pair.Key, out var value) && Nullable.Equals(value, pair.Value));

    private static List<string> Labels(SearchSpace space) => [.. space.Parameters.Select(parameter => parameter.Label)];

    private static ArgumentOutOfRangeException Invalid(string name, object value, string rule) =>
        new(name, value, string.Create(CultureInfo.InvariantCulture, $"fmin {name} ({value}) {rule}"));
}
