using System.Globalization;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>Argument rules shared by the <see cref="Hp"/> factories; every message names the kind, label and rule.</summary>
internal static class NodeArguments
{
    /// <summary>Integers beyond 2^53 are not exactly representable in the raw (double) assignment.</summary>
    public const double MaxExactInteger = 9007199254740992d;

    public const double ProbabilitySumTolerance = 1e-9;

    public static string Label(DistributionKind kind, string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new ArgumentException($"{kind.ToHyperoptName()}: label must be a non-empty string");
        }

        return label;
    }

    public static void Finite(DistributionKind kind, string label, string name, double value)
    {
        if (!double.IsFinite(value))
        {
            throw Error(kind, label, $"{name} ({Format(value)}) must be a finite number");
        }
    }

    public static void LowLessThanHigh(DistributionKind kind, string label, double low, double high)
    {
        Finite(kind, label, "low", low);
        Finite(kind, label, "high", high);
        if (!(low < high))
        {
            throw Error(kind, label, $"low ({Format(low)}) must be less than high ({Format(high)})");
        }

        // Draws are low + u * (high - low): a range wider than a double would sample infinity.
        if (!double.IsFinite(high - low))
        {
            throw Error(kind, label, $"the range high - low ({Format(high)} - {Format(low)}) overflows a double");
        }

        if (kind is DistributionKind.LogUniform or DistributionKind.QLogUniform && !double.IsFinite(Math.Exp(high)))
        {
            throw Error(kind, label, $"high ({Format(high)}) is in log space and exp(high) overflows a double; it must be at most 709.78");
        }
    }

    public static void Positive(DistributionKind kind, string label, string name, double value)
    {
        Finite(kind, label, name, value);
        if (!(value > 0))
        {
            throw Error(kind, label, $"{name} ({Format(value)}) must be greater than 0");
        }
    }

    public static void Integer(DistributionKind kind, string label, string name, double value)
    {
        Finite(kind, label, name, value);
        if (Math.Floor(value) != value || Math.Abs(value) > MaxExactInteger)
        {
            throw Error(kind, label, $"{name} ({Format(value)}) must be an integer of magnitude at most 2^53");
        }
    }

    public static ArgumentException Error(DistributionKind kind, string label, string rule) =>
        new($"{kind.ToHyperoptName()} '{label}': {rule}");

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
