using System.Globalization;
using System.Text;

namespace HyperQueue.Tracking.Runs;

/// <summary>MLflow's limits on keys and values, checked before anything is written so bad input never lands in the store.</summary>
internal static class RunDataRules
{
    /// <summary>MLflow's limit on param, metric and tag keys.</summary>
    public const int MaxKeyLength = 250;

    /// <summary>MLflow's limit on param values.</summary>
    public const int MaxParamValueLength = 6000;

    /// <summary>MLflow's limit on tag values.</summary>
    public const int MaxTagValueLength = 8000;

    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static void Key(string kind, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException($"{kind} key must not be empty", nameof(key));
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException(
                $"{kind} key '{Preview(key)}' has {key.Length} characters; the limit is {MaxKeyLength} (MLflow's)", nameof(key));
        }

        NoNul(kind, "key", key, key);
    }

    public static void Value(string kind, string key, string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > maxLength)
        {
            throw new ArgumentException(
                $"{kind} '{key}': value has {value.Length} characters; the limit is {maxLength} (MLflow's)", nameof(value));
        }

        NoNul(kind, key, value, "value");
    }

    public static void Name(string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException($"{kind} name '{name}' must contain a non-blank character", nameof(name));
        }

        if (name.Length > MaxKeyLength)
        {
            throw new ArgumentException(
                $"{kind} name '{Preview(name)}' has {name.Length} characters; the limit is {MaxKeyLength}", nameof(name));
        }

        NoNul(kind, "name", name, name);
    }

    /// <summary>
    /// Why <paramref name="key"/> cannot be a param, metric or tag key (what <see cref="Key"/> refuses, said
    /// without the kind), or null if it can: for callers that reject input before anything is stored.
    /// </summary>
    public static string? KeyProblem(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == 0 ? "must not be empty"
            : key.Length > MaxKeyLength ? string.Create(CultureInfo.InvariantCulture, $"has {key.Length} characters; the limit is {MaxKeyLength} (MLflow's)")
            : TextProblem(key, out _);
    }

    /// <summary>Why <paramref name="value"/> cannot be a value of at most <paramref name="maxLength"/> characters (what <see cref="Value"/> refuses), or null.</summary>
    public static string? ValueProblem(string value, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > maxLength
            ? string.Create(CultureInfo.InvariantCulture, $"has {value.Length} characters; the limit is {maxLength} (MLflow's)")
            : TextProblem(value, out _);
    }

    /// <summary>
    /// Makes free text (an exception message) storable as a tag value: NUL removed, unpaired surrogates replaced by
    /// U+FFFD, cut to <see cref="MaxTagValueLength"/> without splitting a surrogate pair.
    /// </summary>
    public static string ToStorableTagValue(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cleaned = Lenient.GetString(Lenient.GetBytes(text.Replace("\0", string.Empty, StringComparison.Ordinal)));
        if (cleaned.Length <= MaxTagValueLength)
        {
            return cleaned;
        }

        var length = char.IsHighSurrogate(cleaned[MaxTagValueLength - 1]) ? MaxTagValueLength - 1 : MaxTagValueLength;
        return cleaned[..length];
    }

    // Postgres text cannot hold U+0000 and both databases store UTF-8, where an unpaired surrogate has no encoding:
    // both stores refuse such text rather than store it in one, alter it in the other, or fail half-way.
    private static void NoNul(string kind, string field, string text, string what)
    {
        if (TextProblem(text, out var encoding) is { } problem)
        {
            throw new ArgumentException($"{kind} '{Preview(field)}': {Preview(what)} {problem}", encoding);
        }
    }

    private static string? TextProblem(string text, out EncoderFallbackException? encoding)
    {
        encoding = null;
        var index = text.IndexOf('\0', StringComparison.Ordinal);
        if (index >= 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"contains U+0000 at index {index}; the store cannot hold NUL characters");
        }

        try
        {
            Strict.GetByteCount(text);
            return null;
        }
        catch (EncoderFallbackException exception)
        {
            encoding = exception;
            return string.Create(CultureInfo.InvariantCulture, $"contains an unpaired surrogate at index {exception.Index}; text must be valid Unicode");
        }
    }

    private static string Preview(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}
