namespace HyperQueue.Scheduler.Dispatch;

/// <summary>
/// SparkTrials' parallelism rules, made explicit: the default is the live worker slots serving the objective; any
/// value is clamped to <see cref="Maximum"/>, to the slots available and to the evaluations remaining, and each
/// reduction is reported as a warning that says to what.
/// </summary>
internal static class ParallelismPolicy
{
    /// <summary>The most trials one experiment may have in flight (SparkTrials' MAX_CONCURRENT_JOBS_ALLOWED).</summary>
    public const int Maximum = 128;

    public static ParallelismDecision Resolve(int? requested, int liveSlots, int evaluationsRemaining)
    {
        if (requested is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(requested), requested, "parallelism must be at least 1");
        }

        var warnings = new List<string>();
        var effective = requested ?? Math.Max(liveSlots, 1);
        if (effective > Maximum)
        {
            warnings.Add($"parallelism {effective} is above the maximum of {Maximum}; using {Maximum}");
            effective = Maximum;
        }

        if (requested is not null && liveSlots > 0 && effective > liveSlots)
        {
            warnings.Add($"parallelism {effective} is above the {liveSlots} worker slots serving the objective; using {liveSlots}");
            effective = liveSlots;
        }

        if (evaluationsRemaining >= 1 && effective > evaluationsRemaining)
        {
            warnings.Add($"parallelism {effective} is above the {evaluationsRemaining} evaluations remaining; using {evaluationsRemaining}");
            effective = evaluationsRemaining;
        }

        return new ParallelismDecision(effective, warnings);
    }
}

/// <summary>The parallelism an experiment runs with, and why it differs from what was asked.</summary>
internal sealed record ParallelismDecision(int Effective, IReadOnlyList<string> Warnings);
