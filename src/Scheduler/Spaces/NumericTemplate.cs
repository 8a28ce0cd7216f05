using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>A numeric node: evaluates to its raw value, as a JSON integer for randint and uniformint.</summary>
internal sealed class NumericTemplate(Hyperparameter parameter) : SpaceTemplate
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double?> assignment)
    {
        var value = ActiveValue(parameter, assignment);
        if (parameter.IsInteger)
        {
            writer.WriteNumberValue((long)value);
        }
        else
        {
            writer.WriteNumberValue(value);
        }
    }
}
