using System.Globalization;

namespace HyperQueue.Bench;

/// <summary>The machine's one-minute load average, printed beside each dispatch figure: the cores are shared.</summary>
internal static class LoadAverage
{
    public static double? Read()
    {
        const string path = "/proc/loadavg";
        if (!File.Exists(path))
        {
            return null;
        }

        var first = File.ReadAllText(path).Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : null;
    }
}
