using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>A trial as the dashboard shows it: flattened parameters (the param keys of its child run) and duration.</summary>
internal sealed record TrialView(TrialRecord Record, IReadOnlyDictionary<string, string> Params)
{
    public int Number => Record.Number;

    /// <summary>The loss a chart can place: an ok trial's finite loss.</summary>
    public double? PlottableLoss => Record.Status == TrialStatus.Ok && Record.Loss is { } loss && double.IsFinite(loss) ? loss : null;

    public TimeSpan? Duration => Record.StartedAt is { } start && Record.EndedAt is { } end ? end - start : null;

    public static IReadOnlyList<TrialView> From(IEnumerable<TrialRecord> trials) =>
        [.. trials.OrderBy(trial => trial.Number).Select(trial => new TrialView(
            trial,
            trial.Parameters.ValueKind == JsonValueKind.Undefined
                ? new Dictionary<string, string>()
                : ParamValue.Flatten(trial.Parameters).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal)))];

    /// <summary>The parameter names of all trials, sorted (conditional parameters appear in some trials only).</summary>
    public static IReadOnlyList<string> ParameterNames(IEnumerable<TrialView> trials) =>
        [.. trials.SelectMany(trial => trial.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}
