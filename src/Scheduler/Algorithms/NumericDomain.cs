using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Where a numeric parameter's Gaussian kernels live: bounds in model space (log space for log families, infinite for
/// normal families), the quantization step applied to values, and the prior component hyperopt places on it.
/// </summary>
internal sealed record NumericDomain(double Low, double High, double? Q, bool IsLog, double PriorMu, double PriorSigma)
{
    public bool IsBounded => !double.IsInfinity(Low) || !double.IsInfinity(High);

    /// <summary>Bounded families: the prior sits at the centre with sigma = the range (hyperopt's tpe).</summary>
    public static NumericDomain Bounded(double low, double high, double? q, bool isLog) =>
        new(low, high, q, isLog, 0.5 * (low + high), high - low);

    /// <summary>Normal families: unbounded kernels, the prior is the node's own N(mu, sigma).</summary>
    public static NumericDomain Unbounded(double mu, double sigma, double? q, bool isLog) =>
        new(double.NegativeInfinity, double.PositiveInfinity, q, isLog, mu, sigma);

    /// <summary>
    /// Maps a raw value (what the trial saw) into the space the kernels are fitted in, clamped to the bounds: rounding
    /// can put a value outside them (a qloguniform value of 0 has log -inf), and a kernel centred far outside the
    /// bounds would make truncated sampling reject almost every draw.
    /// </summary>
    public double ToModel(double value) =>
        Math.Clamp(IsLog ? Math.Log(Math.Max(value, MinimumLogArgument)) : value, Low, High);

    /// <summary>
    /// Maps a model-space draw back to a raw value: exp for log families, then hyperopt's round(x / q) * q. A kernel
    /// of an unbounded (normal family) domain can reach past the finite range; the value is clamped to it
    /// (<see cref="FiniteDraws"/>) rather than becoming infinity or 0, which the space would refuse.
    /// </summary>
    public double ToValue(double model)
    {
        var value = IsLog ? FiniteDraws.Exp(model) : FiniteDraws.Finite(model);
        return Q is { } q ? FiniteDraws.Quantize(value, q) : value;
    }

    /// <summary>hyperopt's EPS for log(max(obs, EPS)): a quantized log value may round to 0.</summary>
    internal const double MinimumLogArgument = 1e-12;
}
