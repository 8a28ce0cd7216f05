using System.Globalization;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>Argument rules shared by the <see cref="Hp"/> factories; every message names the kind, label and rule.</summary>
internal static class NodeArguments
{
    /// <summary>Integers beyond 2^53 are not exactly representable in the raw (double) assignment.</summary>
    public const double MaxExactInteger = 9007199254740992d;

    public const double ProbabilitySumTolerance = 1e-9;

    /// <summary>The largest x for which exp(x) is a double, rounded down (ln(double.MaxValue) = 709.7827...).</summary>
    public const double MaxExpArgument = 709.78;

    /// <summary>The smallest x for which exp(x) is above 0 in a double, rounded up (ln(double.Epsilon) = -744.4400...).</summary>
    public const double MinExpArgument = -744.44;

    /// <summary>
    /// How far the normal families' draws must stay finite, in standard deviations: a draw beyond 8 sigma (on one
    /// side) has probability about 6e-16, and the samplers clamp the rare one that goes further.
    /// </summary>
    public const double SigmaReach = 8;

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

        if (kind is DistributionKind.LogUniform or DistributionKind.QLogUniform)
        {
            if (high > MaxExpArgument)
            {
                throw Error(kind, label, $"high ({Format(high)}) is in log space and exp(high) overflows a double; it must be at most 709.78");
            }

            if (high < MinExpArgument)
            {
                throw Error(kind, label, $"high ({Format(high)}) is in log space and exp(high) underflows to 0; it must be at least -744.44");
            }
        }
    }

    /// <summary>
    /// The normal families' draws must stay finite out to <see cref="SigmaReach"/> sigma: for lognormal and
    /// qlognormal exp(mu + 8 sigma) must be a double, for normal and qnormal |mu| + 8 sigma.
    /// </summary>
    public static void FiniteReach(DistributionKind kind, string label, double mu, double sigma)
    {
        if (kind is DistributionKind.LogNormal or DistributionKind.QLogNormal)
        {
            var reach = mu + (SigmaReach * sigma);
            if (!(reach <= MaxExpArgument))
            {
                throw Error(
                    kind,
                    label,
                    $"mu + 8 sigma ({Format(mu)} + 8 * {Format(sigma)} = {Format(reach)}) is in log space and exp of it overflows a double; it must be at most 709.78 (a draw beyond 8 sigma has probability about 6e-16)");
            }
        }
        else if (!double.IsFinite(Math.Abs(mu) + (SigmaReach * sigma)))
        {
            throw Error(
                kind,
                label,
                $"|mu| + 8 sigma ({Format(Math.Abs(mu))} + 8 * {Format(sigma)}) overflows a double; it must be at most {Format(double.MaxValue)} (a draw beyond 8 sigma has probability about 6e-16)");
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
