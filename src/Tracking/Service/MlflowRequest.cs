using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace HyperQueue.Tracking.Service;

/// <summary>
/// The fields of one MLflow API request, from the JSON body (POST) or the query string (GET), as MLflow's
/// <c>_get_request_message</c> reads them. Numbers may arrive as JSON numbers or as strings (proto3 JSON writes int64
/// as strings).
/// </summary>
internal sealed class MlflowRequest
{
    private readonly JsonElement body;
    private readonly IQueryCollection query;

    private MlflowRequest(JsonElement body, IQueryCollection query)
    {
        this.body = body;
        this.query = query;
    }

    public static async Task<MlflowRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (HttpMethods.IsGet(request.Method) || request.ContentLength == 0)
        {
            return new MlflowRequest(default, request.Query);
        }

        JsonDocument document;
        try
        {
            // A repeated member would otherwise be read as whichever copy a handler happens to look up.
            document = await JsonDocument.ParseAsync(
                request.Body, new JsonDocumentOptions { AllowDuplicateProperties = false }, cancellationToken);
        }
        catch (JsonException exception)
        {
            throw MlflowApiException.Invalid($"request body is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw MlflowApiException.Invalid($"request body must be a JSON object, got {document.RootElement.ValueKind}");
            }

            RequireValidText(document.RootElement, "$");
            return new MlflowRequest(document.RootElement.Clone(), request.Query);
        }
    }

    /// <summary>
    /// The parser checks string bytes only when a string is read: invalid UTF-8 or a lone surrogate escape
    /// (<c>"\ud800"</c>) would surface later as an InvalidOperationException (a 500). Read every name and string now.
    /// </summary>
    private static void RequireValidText(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw InvalidText(path);
                    }

                    RequireValidText(property.Value, $"{path}.{(name.Length <= 60 ? name : name[..60] + "...")}");
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    RequireValidText(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"));
                }

                break;
            case JsonValueKind.String:
                try
                {
                    _ = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    throw InvalidText(path);
                }

                break;
        }
    }

    private static MlflowApiException InvalidText(string path) =>
        MlflowApiException.Invalid($"request body: a string at {path} is not valid UTF-8 (or is a lone UTF-16 surrogate escape)");

    public string RequiredString(string name) =>
        OptionalString(name) ?? throw MlflowApiException.Invalid($"missing value for required parameter '{name}'");

    public string? OptionalString(string name)
    {
        if (TryGet(name, out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Null => null,
                _ => throw MlflowApiException.Invalid($"parameter '{name}' must be a string, got {element.ValueKind}: {element.GetRawText()}"),
            };
        }

        var text = query[name].FirstOrDefault();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public long? OptionalLong(string name)
    {
        if (TryGet(name, out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.Number when element.TryGetInt64(out var number) => number,
                JsonValueKind.String => ParseLong(name, element.GetString()!),
                JsonValueKind.Null => null,
                _ => throw MlflowApiException.Invalid($"parameter '{name}' must be an integer, got {element.GetRawText()}"),
            };
        }

        var text = query[name].FirstOrDefault();
        return string.IsNullOrEmpty(text) ? null : ParseLong(name, text);
    }

    public double RequiredDouble(string name)
    {
        if (TryGet(name, out var element))
        {
            return ReadDouble(name, element);
        }

        var text = query[name].FirstOrDefault();
        return string.IsNullOrEmpty(text)
            ? throw MlflowApiException.Invalid($"missing value for required parameter '{name}'")
            : ParseDouble(name, text);
    }

    /// <summary>The items of an array field (or of repeated query values); empty when absent.</summary>
    public IReadOnlyList<JsonElement> Array(string name)
    {
        if (TryGet(name, out var element))
        {
            return element.ValueKind switch
            {
                JsonValueKind.Array => [.. element.EnumerateArray()],
                JsonValueKind.Null => [],
                _ => throw MlflowApiException.Invalid($"parameter '{name}' must be an array, got {element.ValueKind}"),
            };
        }

        return [.. query[name].Where(value => !string.IsNullOrEmpty(value)).Select(value => JsonSerializer.SerializeToElement(value))];
    }

    /// <summary>A string member of an array item such as <c>{"key": "lr", "value": "0.1"}</c>.</summary>
    public static string ItemString(string field, JsonElement item, string member)
    {
        if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        throw MlflowApiException.Invalid($"'{field}' item {item.GetRawText()}: '{member}' must be a string");
    }

    public static long? ItemLong(string field, JsonElement item, string member)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty(member, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String => ParseLong($"{field}.{member}", value.GetString()!),
            _ => throw MlflowApiException.Invalid($"'{field}' item {item.GetRawText()}: '{member}' must be an integer"),
        };
    }

    public static double ItemDouble(string field, JsonElement item, string member) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(member, out var value)
            ? ReadDouble($"{field}.{member}", value)
            : throw MlflowApiException.Invalid($"'{field}' item {item.GetRawText()}: missing '{member}'");

    private bool TryGet(string name, out JsonElement element)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out element))
        {
            return true;
        }

        element = default;
        return false;
    }

    private static double ReadDouble(string name, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.String => ParseDouble(name, element.GetString()!),
        _ => throw MlflowApiException.Invalid($"parameter '{name}' must be a number, got {element.GetRawText()}"),
    };

    private static long ParseLong(string name, string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw MlflowApiException.Invalid($"parameter '{name}' must be an integer, got '{text}'");

    // MLflow clients send NaN and infinities as the strings Python's float() accepts.
    private static double ParseDouble(string name, string text) => text switch
    {
        "NaN" or "nan" => double.NaN,
        "Infinity" or "inf" => double.PositiveInfinity,
        "-Infinity" or "-inf" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw MlflowApiException.Invalid($"parameter '{name}' must be a number, got '{text}'"),
    };
}
