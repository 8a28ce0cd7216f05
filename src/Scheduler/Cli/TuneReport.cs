using System.Globalization;
using System.Text;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Optimization;

namespace HyperQueue.Scheduler.Cli;

/// <summary>What <c>hq tune</c> prints at the end: a human summary, or with <c>--json</c> one machine-readable document.</summary>
internal sealed class TuneReport(string name, Trials trials, FMinResult? result, AutologObserver? autolog)
{
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("experimentId", trials.ExperimentId.ToString("D"));
            json.WriteString("name", name);
            if (result is null)
            {
                json.WriteNull("stopReason");
                json.WriteNull("best");
            }
            else
            {
                json.WriteString("stopReason", AutologObserver.StopReasonName(result.StopReason));
                json.WriteStartObject("best");
                json.WriteNumber("number", result.BestTrial.Number);
                WriteLoss(json, "loss", result.BestLoss);
                json.WritePropertyName("params");
                result.BestTrial.Parameters.Json.WriteTo(json);
                json.WriteStartObject("argmin");
                foreach (var (label, value) in result.Argmin ?? new Dictionary<string, double>())
                {
                    WriteNumber(json, label, value);
                }

                json.WriteEndObject();
                json.WriteEndObject();
            }

            var counts = trials.Counts;
            json.WriteStartObject("counts");
            json.WriteNumber("ok", counts.Succeeded);
            json.WriteNumber("fail", counts.Failed);
            json.WriteNumber("cancelled", counts.Cancelled);
            json.WriteEndObject();
            if (autolog is not null)
            {
                json.WriteString("trackingExperimentId", autolog.ExperimentId);
                json.WriteString("parentRunId", autolog.ParentRunId);
            }

            json.WriteStartArray("trials");
            foreach (var trial in trials.All)
            {
                WriteTrial(json, trial);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public async Task WriteSummaryAsync(TextWriter writer, string? trackingUri)
    {
        var counts = trials.Counts;
        var summary = new StringBuilder();
        // The tracking store's id when there is one: it is what `hq experiments show` looks up. The id of the trials
        // themselves (queue names, worker logs) is another, printed beside it.
        if (autolog is null)
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"Experiment '{name}' ({trials.ExperimentId:D})");
        }
        else
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"Experiment '{name}' ({autolog.ExperimentId}; its trials are {trials.ExperimentId:D} in queue names and worker logs)");
        }
        if (result is not null)
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"Stopped: {AutologObserver.StopReasonName(result.StopReason)}");
            summary.AppendLine(CultureInfo.InvariantCulture, $"Best loss: {Format(result.BestLoss)} (trial {result.BestTrial.Number})");
            summary.AppendLine("Best parameters:");
            foreach (var pair in Tracking.Runs.ParamValue.Flatten(result.BestTrial.Parameters.Json))
            {
                summary.AppendLine(CultureInfo.InvariantCulture, $"  {pair.Key} = {pair.Value}");
            }
        }

        summary.AppendLine(CultureInfo.InvariantCulture, $"Trials: {counts.Total} ({counts.Succeeded} ok, {counts.Failed} failed, {counts.Cancelled} cancelled)");
        if (trackingUri is not null && autolog is not null)
        {
            summary.AppendLine(CultureInfo.InvariantCulture, $"Runs stored in {trackingUri} (parent run {autolog.ParentRunId}); open the dashboard with: hq ui --tracking {trackingUri}");
        }

        await writer.WriteAsync(summary.ToString());
    }

    private static void WriteTrial(Utf8JsonWriter json, TrialRecord trial)
    {
        json.WriteStartObject();
        json.WriteNumber("number", trial.Number);
        json.WriteString("id", trial.Id.ToString("D"));
        json.WriteString("status", trial.Status switch
        {
            TrialStatus.Ok => "ok",
            TrialStatus.Fail => "fail",
            TrialStatus.Cancelled => "cancelled",
            _ => "running",
        });
        if (trial.Loss is { } loss)
        {
            WriteLoss(json, "loss", loss);
        }
        else
        {
            json.WriteNull("loss");
        }

        json.WritePropertyName("params");
        trial.Parameters.Json.WriteTo(json);
        if (trial.Duration is { } duration)
        {
            json.WriteNumber("durationMs", Math.Round(duration.TotalMilliseconds, 3));
        }
        else
        {
            json.WriteNull("durationMs");
        }

        if (trial.Worker is { } worker)
        {
            json.WriteString("worker", worker);
        }
        else
        {
            json.WriteNull("worker");
        }

        if (trial.Error is { } error)
        {
            json.WriteStartObject("error");
            json.WriteString("type", error.Type);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("error");
        }

        json.WriteEndObject();
    }

    /// <summary>JSON has no infinity: an ok trial's +infinity loss is written as the string "Infinity".</summary>
    private static void WriteLoss(Utf8JsonWriter json, string property, double loss)
    {
        if (double.IsFinite(loss))
        {
            json.WriteNumber(property, loss);
        }
        else
        {
            json.WriteString(property, loss.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteNumber(Utf8JsonWriter json, string property, double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            json.WriteNumber(property, (long)value);
        }
        else
        {
            json.WriteNumber(property, value);
        }
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
