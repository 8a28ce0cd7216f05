using System.Text.Json;

namespace HyperQueue.Contracts;

/// <summary>
/// Command sent by the scheduler to <c>hq.evaluate.&lt;objective&gt;</c>: evaluate one proposed setting.
/// The response address of the message is the experiment's durable results queue.
/// </summary>
public sealed record EvaluateTrial
{
    public required Guid ExperimentId { get; init; }

    public required Guid TrialId { get; init; }

    /// <summary>Zero-based position of the trial in its experiment (hyperopt's <c>tid</c>).</summary>
    public required int TrialNumber { get; init; }

    /// <summary>Name of a registered objective; a message never carries a command to run.</summary>
    public required string Objective { get; init; }

    /// <summary>The evaluated parameters (hyperopt's <c>space_eval</c> result), as JSON.</summary>
    public required JsonElement Parameters { get; init; }

    /// <summary>Raw assignment by label (choice = option index); null marks an inactive conditional label.</summary>
    public required IReadOnlyDictionary<string, double?> RawValues { get; init; }

    /// <summary>1 for the first delivery; incremented when an expired lease sends the trial again.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// How many times the trial may run in all (the scheduler's MaxAttempts): a worker refuses to start it again once
    /// that many workers were lost while holding it. Null (a sender that predates it) means <see cref="DefaultMaxAttempts"/>.
    /// </summary>
    public int? MaxAttempts { get; init; }

    /// <summary>The scheduler's default for <see cref="MaxAttempts"/>, and what a worker assumes when a message has none.</summary>
    public const int DefaultMaxAttempts = 3;

    public DateTimeOffset? TrialDeadline { get; init; }

    public DateTimeOffset? ExperimentDeadline { get; init; }

    public string? ParentRunId { get; init; }

    public string? RunId { get; init; }

    /// <summary>Where the objective may log into its run (a tracking URI); null when tracking is off.</summary>
    public string? TrackingUri { get; init; }
}
