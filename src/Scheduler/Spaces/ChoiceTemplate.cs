using System.Text.Json;

namespace HyperQueue.Scheduler.Spaces;

/// <summary>A choice or pchoice: evaluates to the option its raw index picks; the other options are absent.</summary>
internal sealed class ChoiceTemplate(Hyperparameter parameter, IReadOnlyList<SpaceTemplate> options) : SpaceTemplate
{
    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, double?> assignment)
    {
        var index = (int)ActiveValue(parameter, assignment);
        options[index].Write(writer, assignment);
    }
}
