using System.CommandLine;
using System.Globalization;
using System.Numerics;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// Numeric options whose parse errors read like every other <c>hq</c> error (the flag, the value, the rule) instead
/// of System.CommandLine's default, which names .NET types such as <c>System.Nullable`1[System.Int32]</c>.
/// </summary>
internal static class NumberOptions
{
    /// <summary>An optional whole-number option (int or long); range rules beyond the type's stay with the command.</summary>
    public static Option<T?> Whole<T>(string name, string description)
        where T : struct, IBinaryInteger<T>, IMinMaxValue<T> =>
        Create<T>(name, description, NumberStyles.Integer, string.Create(
            CultureInfo.InvariantCulture, $"a whole number from {T.MinValue} to {T.MaxValue}"));

    /// <summary>An optional finite decimal option; NaN and infinities are refused here.</summary>
    public static Option<double?> Real(string name, string description) =>
        Create<double>(name, description, NumberStyles.Float, "a finite number");

    private static Option<T?> Create<T>(string name, string description, NumberStyles styles, string rule)
        where T : struct, INumber<T> => new(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
                if (T.TryParse(token, styles, CultureInfo.InvariantCulture, out var value) && T.IsFinite(value))
                {
                    return value;
                }

                result.AddError($"{name}: '{token}' is not {rule}");
                return null;
            },
        };
}
