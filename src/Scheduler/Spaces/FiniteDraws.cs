namespace HyperQueue.Scheduler.Spaces;

/// <summary>
/// Keeps every value a sampler makes from a valid space a finite double (and a log family's value above 0), whatever
/// the random draw: the prior (<see cref="Hyperparameter.Sample"/>) and the algorithms' own draws (TPE's kernels,
/// anneal's neighbourhoods) go through here. The space rules (<see cref="NodeArguments.FiniteReach"/>, loguniform's
/// high) keep the bounds and 8 sigma inside the finite range; a normal draw beyond that (probability about 6e-16)
/// or a kernel centred near the edge is clamped to the edge instead of becoming infinity or 0, which the space
/// would refuse as a value and which would end the experiment.
/// </summary>
internal static class FiniteDraws
{
    /// <summary>exp of a value in log space, clamped to [-744.44, 709.78] first: at most 1.79e308, at least 4.9e-324.</summary>
    public static double Exp(double logValue) =>
        Math.Exp(Math.Clamp(logValue, NodeArguments.MinExpArgument, NodeArguments.MaxExpArgument));

    /// <summary>A normal family's draw clamped to the finite doubles.</summary>
    public static double Finite(double value) => Math.Clamp(value, -double.MaxValue, double.MaxValue);

    /// <summary>
    /// hyperopt's round(value / q) * q, half to even; a value so large that value / q or the product overflows is
    /// returned as it is (beyond 2^53 steps of q every double is as near a multiple of q as a double can be).
    /// </summary>
    public static double Quantize(double value, double q)
    {
        var quantized = Math.Round(value / q, MidpointRounding.ToEven) * q;
        return double.IsFinite(quantized) ? quantized : value;
    }
}
