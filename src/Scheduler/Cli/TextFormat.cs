using System.Globalization;

namespace HyperQueue.Scheduler.Cli;

/// <summary>How <c>hq</c> prints values for people (JSON output keeps full precision instead).</summary>
internal static class TextFormat
{
    /// <summary>Six significant digits, like the summary of <c>hq tune</c>; a dash when there is none.</summary>
    public static string Loss(double? loss) => loss is { } value ? value.ToString("G6", CultureInfo.InvariantCulture) : "-";

    /// <summary>UTC to the second; a dash when there is none.</summary>
    public static string Time(DateTimeOffset? time) =>
        time is { } value ? value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-";
}
