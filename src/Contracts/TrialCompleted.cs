using System.Text.Json.Serialization;

namespace HyperQueue.Contracts;

/// <summary>Event sent to the results queue when a trial ends, whatever the outcome.</summary>
public sealed record TrialCompleted
{
    public required Guid ExperimentId { get; init; }

    public required Guid TrialId { get; init; }

    public required TrialStatus Status { get; init; }

    // JSON has no infinity; an ok trial may report +infinity, so the named literals travel as strings.

    /// <summary>The loss; null for a failed or cancelled trial. May be +infinity for an ok trial.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double? Loss { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double? LossVariance { get; init; }

    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double? TrueLoss { get; init; }

    /// <summary>Named attachments returned by the objective (hyperopt's <c>attachments</c>).</summary>
    public IReadOnlyDictionary<string, string>? Attachments { get; init; }

    public TrialError? Error { get; init; }

    public required TimeSpan Duration { get; init; }

    public required string WorkerId { get; init; }

    public required int Attempt { get; init; }
}
