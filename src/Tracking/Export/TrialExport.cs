using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Tracking.Export;

/// <summary>
/// <c>hq experiments export</c>: one row per trial (number, status, loss, its run and the run of the <c>fmin</c> call
/// that proposed it, then each parameter), the way <c>mlflow.search_runs</c> returns a table with one <c>params.*</c>
/// column per parameter. The parent run tells trials of two <c>fmin</c> calls in one experiment apart: each call numbers
/// its trials from 0.
/// </summary>
public static class TrialExport
{
    /// <summary>
    /// RFC 4180 CSV with a header row; parameters are flattened to dotted keys (<see cref="ParamValue.Flatten"/>) in
    /// canonical form, one column per key in order of first appearance; a trial without a key leaves its cell empty.
    /// </summary>
    public static async Task WriteCsvAsync(IReadOnlyList<TrialRecord> trials, TextWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(writer);
        var rows = trials.Select(trial => (trial, parameters: ParamValue.Flatten(trial.Parameters, "params")
            .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal))).ToList();
        var keys = rows.SelectMany(row => row.parameters.Keys).Distinct(StringComparer.Ordinal).ToList();

        // A parameter may be called like a fixed column (the built-in sleep objective has a "loss" parameter): it is
        // headed params.<name> then, as mlflow.search_runs heads every parameter, so no two columns share a name.
        string[] fixedColumns = ["number", "status", "loss", "run_id", "parent_run_id"];
        var headers = keys.Select(key => fixedColumns.Contains(key, StringComparer.Ordinal) ? "params." + key : key);
        await WriteLineAsync(writer, [.. fixedColumns, .. headers], cancellationToken);
        foreach (var (trial, parameters) in rows)
        {
            await WriteLineAsync(
                writer,
                [
                    trial.Number.ToString(CultureInfo.InvariantCulture),
                    FormatStatus(trial.Status),
                    trial.Loss is { } loss ? ParamValue.Format(loss) : string.Empty,
                    trial.RunId,
                    trial.ParentRunId ?? string.Empty,
                    .. keys.Select(key => parameters.GetValueOrDefault(key, string.Empty)),
                ],
                cancellationToken);
        }
    }

    /// <summary>
    /// A JSON array of <c>{number, status, loss, run_id, parent_run_id, params}</c> with the evaluated parameters as
    /// they were stored.
    /// </summary>
    public static async Task WriteJsonAsync(IReadOnlyList<TrialRecord> trials, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(stream);
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var trial in trials)
        {
            json.WriteStartObject();
            json.WriteNumber("number", trial.Number);
            if (trial.Status is null)
            {
                json.WriteNull("status");
            }
            else
            {
                json.WriteString("status", FormatStatus(trial.Status));
            }

            if (trial.Loss is { } loss && double.IsFinite(loss))
            {
                json.WriteNumber("loss", loss);
            }
            else if (trial.Loss is { } infinite)
            {
                // JSON has no infinity; hyperopt's loss may be +inf, so it travels as a string.
                json.WriteString("loss", ParamValue.Format(infinite));
            }
            else
            {
                json.WriteNull("loss");
            }

            json.WriteString("run_id", trial.RunId);
            if (trial.ParentRunId is null)
            {
                json.WriteNull("parent_run_id");
            }
            else
            {
                json.WriteString("parent_run_id", trial.ParentRunId);
            }

            json.WritePropertyName("params");
            if (trial.Parameters.ValueKind == JsonValueKind.Undefined)
            {
                json.WriteNullValue();
            }
            else
            {
                trial.Parameters.WriteTo(json);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        await json.FlushAsync(cancellationToken);
    }

    private static string FormatStatus(TrialStatus? status) => status switch
    {
        TrialStatus.Ok => "ok",
        TrialStatus.Fail => "fail",
        TrialStatus.Cancelled => "cancelled",
        _ => string.Empty,
    };

    private static Task WriteLineAsync(TextWriter writer, IEnumerable<string> fields, CancellationToken cancellationToken) =>
        writer.WriteAsync((string.Join(',', fields.Select(Quote)) + "\r\n").AsMemory(), cancellationToken);

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
