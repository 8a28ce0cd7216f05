using System.Text.Json;
using HyperQueue.Contracts;

namespace HyperQueue.Worker.Trials;

/// <summary>
/// Checks an <see cref="EvaluateTrial"/> at receipt: a malformed one becomes a failed trial with this reason,
/// answered once, instead of an exception that the broker would redeliver.
/// </summary>
internal static class TrialMessageValidator
{
    /// <summary>What is wrong with the message (field, value, rule), or null when it can run.</summary>
    public static string? Validate(EvaluateTrial message)
    {
        if (message.ExperimentId == Guid.Empty)
        {
            return "EvaluateTrial.ExperimentId is empty; it must name the experiment";
        }

        if (message.TrialId == Guid.Empty)
        {
            return "EvaluateTrial.TrialId is empty; it must name the trial";
        }

        if (message.TrialNumber < 0)
        {
            return $"EvaluateTrial.TrialNumber ({message.TrialNumber}) must be zero or more";
        }

        if (message.Attempt < 1)
        {
            return $"EvaluateTrial.Attempt ({message.Attempt}) must be at least 1";
        }

        if (message.MaxAttempts < 1)
        {
            return $"EvaluateTrial.MaxAttempts ({message.MaxAttempts}) must be at least 1 when given";
        }

        if (string.IsNullOrWhiteSpace(message.Objective))
        {
            return "EvaluateTrial.Objective is empty; it must name a registered objective";
        }

        if (message.Parameters.ValueKind is JsonValueKind.Undefined)
        {
            return "EvaluateTrial.Parameters is missing; it must be the evaluated parameters as JSON";
        }

        if (message.RawValues is null)
        {
            return "EvaluateTrial.RawValues is missing; it must map each label to its raw value (null when inactive)";
        }

        return null;
    }
}
