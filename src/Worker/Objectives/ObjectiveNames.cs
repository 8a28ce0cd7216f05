using System.Text.RegularExpressions;

namespace HyperQueue.Worker.Objectives;

/// <summary>
/// The rule for objective names: each becomes a queue name (<c>hq.evaluate.&lt;name&gt;</c>), so only characters
/// every broker accepts in a queue name.
/// </summary>
internal static partial class ObjectiveNames
{
    public const string Rule = "must be 1 to 200 characters of letters, digits, '.', '_' or '-'";

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The queue the scheduler sends an objective's trials to.</summary>
    public static string QueueName(string objective) => "hq.evaluate." + objective;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex Pattern();
}
