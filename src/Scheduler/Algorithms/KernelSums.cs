using System.Runtime.Intrinsics;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// The inner loops of mixture scoring over a window of kernels, four lanes at a time: after a few thousand trials the
/// bad density has thousands of kernels near every candidate, and a scalar exp per kernel dominated a suggestion.
/// </summary>
internal static class KernelSums
{
    private static readonly double InverseSqrtTwo = 1.0 / Math.Sqrt(2.0);

    // exp(-700) = 1e-304 is still a normal double: arguments clamped here never produce subnormal results, whose
    // arithmetic is two orders of magnitude slower, and narrow joint kernels put most scores thousands below the max.
    private const double SmallestExponent = -700.0;

    /// <summary>
    /// Writes log(w / (sigma sqrt(2 pi))) - ((x - mu) / sigma)^2 / 2 of every kernel into <paramref name="terms"/> and
    /// returns the largest.
    /// </summary>
    public static double GaussianLogTerms(
        double x, ReadOnlySpan<double> mus, ReadOnlySpan<double> inverseSigmas, ReadOnlySpan<double> logCoefficients, Span<double> terms)
    {
        var max = double.NegativeInfinity;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var xs = Vector256.Create(x);
            var half = Vector256.Create(0.5);
            var maxes = Vector256.Create(double.NegativeInfinity);
            for (; i <= terms.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var z = (xs - Vector256.Create(mus[i..])) * Vector256.Create(inverseSigmas[i..]);
                var term = Vector256.Create(logCoefficients[i..]) - (half * z * z);
                term.CopyTo(terms[i..]);
                maxes = Vector256.Max(maxes, term);
            }

            for (var lane = 0; lane < Vector256<double>.Count; lane++)
            {
                max = Math.Max(max, maxes[lane]);
            }
        }

        for (; i < terms.Length; i++)
        {
            var z = (x - mus[i]) * inverseSigmas[i];
            terms[i] = logCoefficients[i] - (0.5 * z * z);
            max = Math.Max(max, terms[i]);
        }

        return max;
    }

    /// <summary>Replaces every value by log(value) + <paramref name="shift"/>.</summary>
    public static void LogInPlace(Span<double> values, double shift)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shifts = Vector256.Create(shift);
            for (; i <= values.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.Log(Vector256.Create(values[i..])) + shifts).CopyTo(values[i..]);
            }
        }

        for (; i < values.Length; i++)
        {
            values[i] = Math.Log(values[i]) + shift;
        }
    }

    /// <summary>The sum of exp(term - shift): terms more than 700 below the shift contribute at most 1e-304 each.</summary>
    public static double SumExp(ReadOnlySpan<double> terms, double shift)
    {
        var sum = 0.0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var shifts = Vector256.Create(shift);
            var smallest = Vector256.Create(SmallestExponent);
            var sums = Vector256<double>.Zero;
            for (; i <= terms.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                sums += Vector256.Exp(Vector256.Max(Vector256.Create(terms[i..]) - shifts, smallest));
            }

            sum = Vector256.Sum(sums);
        }

        for (; i < terms.Length; i++)
        {
            sum += Math.Exp(Math.Max(terms[i] - shift, SmallestExponent));
        }

        return sum;
    }

    /// <summary>
    /// The sum over kernels of w * (Phi((upper - mu) / sigma) - Phi((lower - mu) / sigma)), each difference taken on
    /// the side of mu the cell lies on (two upper tails, or two lower tails) so a cell far in a tail keeps its digits.
    /// </summary>
    public static double CellMasses(
        double lower, double upper, ReadOnlySpan<double> mus, ReadOnlySpan<double> inverseSigmas, ReadOnlySpan<double> weights)
    {
        var mass = 0.0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lowers = Vector256.Create(lower);
            var uppers = Vector256.Create(upper);
            var scale = Vector256.Create(InverseSqrtTwo);
            var masses = Vector256<double>.Zero;
            for (; i <= mus.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var mu = Vector256.Create(mus[i..]);
                var inverse = Vector256.Create(inverseSigmas[i..]) * scale;
                var a = (lowers - mu) * inverse;
                var b = (uppers - mu) * inverse;
                var right = Vector256.GreaterThanOrEqual(a, Vector256<double>.Zero);
                var near = Vector256.ConditionalSelect(right, a, -b);
                var far = Vector256.ConditionalSelect(right, b, -a);
                masses += Vector256.Create(weights[i..]) * (Erfc(near) - Erfc(far));
            }

            mass = 0.5 * Vector256.Sum(masses);
        }

        for (; i < mus.Length; i++)
        {
            var a = (lower - mus[i]) * inverseSigmas[i] * InverseSqrtTwo;
            var b = (upper - mus[i]) * inverseSigmas[i] * InverseSqrtTwo;
            mass += a >= 0
                ? 0.5 * weights[i] * (Gaussian.Erfc(a) - Gaussian.Erfc(b))
                : 0.5 * weights[i] * (Gaussian.Erfc(-b) - Gaussian.Erfc(-a));
        }

        return mass;
    }

    /// <summary>scores[k] -= ((x - mus[k]) * inverseSigmas[k])^2 / 2: one continuous dimension of joint kernels.</summary>
    public static void SubtractHalfSquares(double x, ReadOnlySpan<double> mus, ReadOnlySpan<double> inverseSigmas, Span<double> scores)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var xs = Vector256.Create(x);
            var half = Vector256.Create(0.5);
            for (; i <= scores.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var z = (xs - Vector256.Create(mus[i..])) * Vector256.Create(inverseSigmas[i..]);
                (Vector256.Create(scores[i..]) - (half * z * z)).CopyTo(scores[i..]);
            }
        }

        for (; i < scores.Length; i++)
        {
            var z = (x - mus[i]) * inverseSigmas[i];
            scores[i] -= 0.5 * z * z;
        }
    }

    /// <summary>scores[k] += log(Phi((upper - mu) / sigma) - Phi((lower - mu) / sigma)): one quantized dimension.</summary>
    public static void AddLogCellMasses(double lower, double upper, ReadOnlySpan<double> mus, ReadOnlySpan<double> inverseSigmas, Span<double> scores)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var lowers = Vector256.Create(lower);
            var uppers = Vector256.Create(upper);
            var scale = Vector256.Create(InverseSqrtTwo);
            var half = Vector256.Create(0.5);
            var tiny = Vector256.Create(double.Epsilon);
            for (; i <= scores.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var mu = Vector256.Create(mus[i..]);
                var inverse = Vector256.Create(inverseSigmas[i..]) * scale;
                var a = (lowers - mu) * inverse;
                var b = (uppers - mu) * inverse;
                var right = Vector256.GreaterThanOrEqual(a, Vector256<double>.Zero);
                var mass = half * (Erfc(Vector256.ConditionalSelect(right, a, -b)) - Erfc(Vector256.ConditionalSelect(right, b, -a)));
                (Vector256.Create(scores[i..]) + Vector256.Log(Vector256.Max(mass, tiny))).CopyTo(scores[i..]);
            }
        }

        for (; i < scores.Length; i++)
        {
            var a = (lower - mus[i]) * inverseSigmas[i] * InverseSqrtTwo;
            var b = (upper - mus[i]) * inverseSigmas[i] * InverseSqrtTwo;
            var mass = a >= 0 ? 0.5 * (Gaussian.Erfc(a) - Gaussian.Erfc(b)) : 0.5 * (Gaussian.Erfc(-b) - Gaussian.Erfc(-a));
            scores[i] += Math.Log(Math.Max(mass, double.Epsilon));
        }
    }

    /// <summary>scores[k] += values[k]: one categorical dimension of joint kernels.</summary>
    public static void Add(ReadOnlySpan<double> values, Span<double> scores)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= scores.Length - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.Create(scores[i..]) + Vector256.Create(values[i..])).CopyTo(scores[i..]);
            }
        }

        for (; i < scores.Length; i++)
        {
            scores[i] += values[i];
        }
    }

    /// <summary>log(sum(exp(scores))) without overflow.</summary>
    public static double LogSumExp(ReadOnlySpan<double> scores)
    {
        var max = double.NegativeInfinity;
        foreach (var score in scores)
        {
            max = Math.Max(max, score);
        }

        return max + Math.Log(SumExp(scores, max));
    }

    /// <summary><see cref="Gaussian.Erfc"/> (the same Chebyshev fit) on four lanes; exact 0 and 2 at the infinities.</summary>
    private static Vector256<double> Erfc(Vector256<double> x)
    {
        var z = Vector256.Abs(x);
        var one = Vector256.Create(1.0);
        var t = one / (one + (Vector256.Create(0.5) * z));
        var polynomial = Vector256.Create(0.17087277);
        polynomial = Vector256.Create(-0.82215223) + (t * polynomial);
        polynomial = Vector256.Create(1.48851587) + (t * polynomial);
        polynomial = Vector256.Create(-1.13520398) + (t * polynomial);
        polynomial = Vector256.Create(0.27886807) + (t * polynomial);
        polynomial = Vector256.Create(-0.18628806) + (t * polynomial);
        polynomial = Vector256.Create(0.09678418) + (t * polynomial);
        polynomial = Vector256.Create(0.37409196) + (t * polynomial);
        polynomial = Vector256.Create(1.00002368) + (t * polynomial);
        polynomial = Vector256.Create(-1.26551223) + (t * polynomial) - (z * z);
        var tail = t * Vector256.Exp(Vector256.Max(polynomial, Vector256.Create(SmallestExponent)));
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256<double>.Zero), tail, Vector256.Create(2.0) - tail);
    }
}
