namespace HyperQueue.Worker.Commands;

/// <summary>
/// The range of every timeout given in seconds: a spec's <c>timeoutSeconds</c> and <c>trialTimeoutSeconds</c>,
/// <c>hq tune --timeout</c>, and a command objective's <c>timeoutSeconds</c> (in a spec or a worker objectives
/// file). At least a millisecond: a shorter one rounds to a zero TimeSpan, which the runners refuse, and deadlines
/// are kept to the millisecond. At most 4,294,967 s (49.7 days): the longest delay a .NET timer takes
/// (uint.MaxValue - 1 ms); a longer deadline made its timer throw once the experiment or trial had started.
/// </summary>
public static class TimeoutSeconds
{
    public const double Min = 0.001;

    public const double Max = 4_294_967;

    /// <summary>The rule, as the messages state it after the value.</summary>
    public const string Rule = "must be a number of seconds from 0.001 to 4294967 (49.7 days)";

    /// <summary>Whether <paramref name="seconds"/> is in range (NaN and infinities are not).</summary>
    public static bool IsValid(double seconds) => seconds is >= Min and <= Max;
}
