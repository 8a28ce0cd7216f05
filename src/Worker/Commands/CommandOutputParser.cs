using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Worker.Commands;

/// <summary>
/// Reads what a command objective prints: metric lines <c>{"metric": k, "value": v, "step": s}</c> and the
/// result line (a number, or hyperopt's result dictionary <c>{"loss", "status", "loss_variance", "true_loss",
/// "attachments"}</c>).
/// </summary>
internal static class CommandOutputParser
{
    private const int QuotedLineLimit = 200;

    /// <summary>True when the line is a JSON object with a <c>metric</c> key; <paramref name="error"/> says what is wrong with a malformed one.</summary>
    public static bool TryParseMetric(string line, out CommandMetric? metric, out string? error)
    {
        metric = null;
        error = null;
        var trimmed = line.AsSpan().Trim();
        if (trimmed.Length == 0 || trimmed[0] != '{' || !line.Contains("\"metric\"", StringComparison.Ordinal))
        {
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("metric", out var key))
            {
                return false;
            }

            if (key.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(key.GetString()))
            {
                error = $"metric line {Quote(line)}: 'metric' must be a non-empty string";
                return true;
            }

            if (!root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Number)
            {
                error = $"metric line {Quote(line)}: 'value' must be a number";
                return true;
            }

            long step = 0;
            if (root.TryGetProperty("step", out var stepElement)
                && stepElement.ValueKind != JsonValueKind.Null
                && (stepElement.ValueKind != JsonValueKind.Number || !stepElement.TryGetInt64(out step)))
            {
                error = $"metric line {Quote(line)}: 'step' must be an integer";
                return true;
            }

            metric = new CommandMetric(key.GetString()!, value.GetDouble(), step);
            return true;
        }
    }

    /// <summary>
    /// Turns the last non-empty stdout line into a result. Anything that is not a number or a well-formed
    /// result object is a failed trial whose error quotes the line and says what was expected.
    /// </summary>
    public static ObjectiveResult ParseResult(string? line, string objectiveName)
    {
        if (line is null)
        {
            return Invalid($"command objective '{objectiveName}' printed nothing on stdout; its last non-empty line must be the result (a number or a JSON object with 'loss' and 'status')");
        }

        var text = line.Trim();
        if (TryParseNumber(text, out var loss))
        {
            return ObjectiveResult.Ok(loss);
        }

        if (text.Length == 0 || text[0] != '{')
        {
            return Invalid($"command objective '{objectiveName}': the last stdout line {Quote(text)} is neither a number nor a JSON result object");
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return ParseResultObject(document.RootElement, objectiveName, text);
        }
        catch (JsonException exception)
        {
            return Invalid($"command objective '{objectiveName}': the last stdout line {Quote(text)} is not valid JSON ({exception.Message})");
        }
    }

    private static ObjectiveResult ParseResultObject(JsonElement root, string objectiveName, string text)
    {
        var where = $"command objective '{objectiveName}': result {Quote(text)}";
        var status = TrialStatus.Ok;
        if (root.TryGetProperty("status", out var statusElement))
        {
            status = statusElement.ValueKind == JsonValueKind.String ? statusElement.GetString() switch
            {
                "ok" => TrialStatus.Ok,
                "fail" => TrialStatus.Fail,
                _ => (TrialStatus)(-1),
            } : (TrialStatus)(-1);
            if (!Enum.IsDefined(status))
            {
                return Invalid($"{where}: 'status' ({statusElement.GetRawText()}) must be \"ok\" or \"fail\"");
            }
        }

        if (!TryReadOptionalNumber(root, "loss", out var loss)
            || !TryReadOptionalNumber(root, "loss_variance", out var lossVariance)
            || !TryReadOptionalNumber(root, "true_loss", out var trueLoss))
        {
            return Invalid($"{where}: 'loss', 'loss_variance' and 'true_loss' must be numbers or null");
        }

        Dictionary<string, string>? attachments = null;
        if (root.TryGetProperty("attachments", out var attachmentsElement) && attachmentsElement.ValueKind != JsonValueKind.Null)
        {
            if (attachmentsElement.ValueKind != JsonValueKind.Object)
            {
                return Invalid($"{where}: 'attachments' must be an object of name to value");
            }

            attachments = [];
            foreach (var attachment in attachmentsElement.EnumerateObject())
            {
                // Non-string attachments are kept as their JSON text rather than rejected: hyperopt stores any value.
                attachments[attachment.Name] = attachment.Value.ValueKind == JsonValueKind.String
                    ? attachment.Value.GetString()!
                    : attachment.Value.GetRawText();
            }
        }

        TrialError? error = null;
        if (status == TrialStatus.Fail)
        {
            var message = root.TryGetProperty("error", out var errorElement) && errorElement.ValueKind == JsonValueKind.String
                ? errorElement.GetString()!
                : $"command objective '{objectiveName}' reported status fail";
            error = new TrialError("fail", message);
        }

        return new ObjectiveResult
        {
            Status = status,
            Loss = loss,
            LossVariance = lossVariance,
            TrueLoss = trueLoss,
            Attachments = attachments,
            Error = error,
        };
    }

    private static bool TryReadOptionalNumber(JsonElement root, string name, out double? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetDouble();
            return true;
        }

        // Python's json.dumps cannot write infinity as a bare number; accept the named literals as strings.
        if (element.ValueKind == JsonValueKind.String && TryParseNumber(element.GetString()!, out var named))
        {
            value = named;
            return true;
        }

        return false;
    }

    /// <summary>A plain number as C#, Python (<c>inf</c>, <c>nan</c>) or JSON writes it.</summary>
    private static bool TryParseNumber(string text, out double value)
    {
        switch (text.ToUpperInvariant())
        {
            case "INF" or "+INF" or "INFINITY" or "+INFINITY":
                value = double.PositiveInfinity;
                return true;
            case "-INF" or "-INFINITY":
                value = double.NegativeInfinity;
                return true;
            case "NAN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    private static ObjectiveResult Invalid(string message) => ObjectiveResult.Fail(message, "invalid_result");

    private static string Quote(string line) =>
        line.Length <= QuotedLineLimit ? $"'{line}'" : $"'{line[..QuotedLineLimit]}...' ({line.Length} chars)";
}
