using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// One trial as hyperopt's <c>trials.trials[i]</c> holds it: number (hyperopt's <c>tid</c>, from 0), id, state,
/// result (status, loss, variance, true loss, attachments), raw values (<c>misc.vals</c>: option index for a
/// choice, null for an inactive label), evaluated parameters, timing and error.
/// </summary>
public sealed record TrialRecord
{
    /// <summary>Position in the experiment, from 0, like hyperopt's <c>tid</c>.</summary>
    public required int Number { get; init; }

    public required Guid Id { get; init; }

    public required TrialState State { get; init; }

    /// <summary>Final status; null while the trial runs.</summary>
    public TrialStatus? Status { get; init; }

    /// <summary>The loss of an ok trial (finite or +infinity); null for running, failed and cancelled trials.</summary>
    public double? Loss { get; init; }

    public double? LossVariance { get; init; }

    public double? TrueLoss { get; init; }

    /// <summary>The raw assignment: every label of the space, choice as option index, inactive labels null.</summary>
    public required IReadOnlyDictionary<string, double?> Vals { get; init; }

    /// <summary>The evaluated parameters the objective received (hyperopt's <c>space_eval</c> of <see cref="Vals"/>).</summary>
    public required TrialParameters Parameters { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Why the trial failed or was cancelled; null for ok and running trials.</summary>
    public TrialError? Error { get; init; }

    /// <summary>Named attachments the objective returned (hyperopt's <c>trial_attachments</c>).</summary>
    public IReadOnlyDictionary<string, string> Attachments { get; init; } = EmptyAttachments;

    /// <summary>The worker that reported the result (distributed trials); null for trials run in this process.</summary>
    public string? Worker { get; init; }

    /// <summary>How many times the trial was sent: more than 1 when a worker died and its lease expired.</summary>
    public int Attempts { get; init; } = 1;

    public TimeSpan? Duration => EndedAt - StartedAt;

    /// <summary>True for a completed ok trial: the only kind that can be the best.</summary>
    public bool IsOk => State == TrialState.Completed && Status == TrialStatus.Ok && Loss is not null;

    internal static IReadOnlyDictionary<string, string> EmptyAttachments { get; } = new Dictionary<string, string>();
}
