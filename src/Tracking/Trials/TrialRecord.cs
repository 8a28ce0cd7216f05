using System.Text.Json;
using HyperQueue.Contracts;

namespace HyperQueue.Tracking.Trials;

/// <summary>
/// The structured record of one trial (a document of hyperopt's <c>Trials</c>), stored beside its child run so
/// that an experiment can be reloaded and resumed from the store alone. A record with a <see cref="Status"/> is
/// complete and is never overwritten (first completion wins).
/// </summary>
public sealed record TrialRecord
{
    public required Guid TrialId { get; init; }

    public required string ExperimentId { get; init; }

    /// <summary>The trial's child run.</summary>
    public required string RunId { get; init; }

    /// <summary>The run of the <c>fmin</c> call that proposed the trial.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>Zero-based position in the experiment (hyperopt's <c>tid</c>).</summary>
    public required int Number { get; init; }

    public TrialState State { get; init; } = TrialState.New;

    /// <summary>ok, fail or cancelled once the trial completed; null while it is pending or running.</summary>
    public TrialStatus? Status { get; init; }

    /// <summary>Finite or +infinity when present; a NaN loss is a failed trial, not a loss.</summary>
    public double? Loss { get; init; }

    public double? LossVariance { get; init; }

    /// <summary>Raw assignment by label (hyperopt's <c>misc.vals</c>: choice = index; null = inactive label).</summary>
    public IReadOnlyDictionary<string, double?> RawValues { get; init; } = new Dictionary<string, double?>();

    /// <summary>The evaluated parameters (hyperopt's <c>space_eval</c> result).</summary>
    public JsonElement Parameters { get; init; }

    public int Attempts { get; init; }

    public string? WorkerId { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }
}
