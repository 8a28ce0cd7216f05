using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>The compiled structure of a space: writes the evaluated value of its part for a raw assignment.</summary>
internal abstract class SpaceTemplate
{
    /// <summary>Writes hyperopt's <c>space_eval</c> of this part; only the chosen option of a choice is visited.</summary>
    public abstract void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double?> assignment);

    protected static double ActiveValue(Hyperparameter parameter, IReadOnlyDictionary<string, double?> assignment)
    {
        if (!assignment.TryGetValue(parameter.Label, out var raw) || raw is not { } value)
        {
            throw new ArgumentException($"{parameter.Kind.ToHyperoptName()} '{parameter.Label}': the assignment has no value for this active label");
        }

        if (parameter.Reject(value) is { } reason)
        {
            throw new ArgumentException($"{parameter.Kind.ToHyperoptName()} '{parameter.Label}': {reason}");
        }

        return value;
    }
}
