using System.Globalization;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>Maps data values onto pixels, linear or base-10 logarithmic, with round tick values for the axis.</summary>
internal sealed class Scale
{
    private readonly double low;
    private readonly double high;
    private readonly double from;
    private readonly double to;

    private Scale(double low, double high, double from, double to, bool logarithmic)
    {
        this.low = low;
        this.high = high;
        this.from = from;
        this.to = to;
        IsLogarithmic = logarithmic;
    }

    public bool IsLogarithmic { get; }

    /// <summary>
    /// A scale over the finite values given. Positive values spanning two decades or more get a log scale, the way
    /// learning rates and regularization strengths are searched (loguniform).
    /// </summary>
    public static Scale Fit(IEnumerable<double> values, double from, double to, bool allowLog = true)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return new Scale(0, 1, from, to, logarithmic: false);
        }

        var (min, max) = (finite.Min(), finite.Max());
        if (allowLog && min > 0 && max / min >= 100)
        {
            return new Scale(Math.Floor(Math.Log10(min)), Math.Ceiling(Math.Log10(max)), from, to, logarithmic: true);
        }

        if (min == max)
        {
            var pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            (min, max) = (min - pad, max + pad);
        }
        else
        {
            var pad = (max - min) * 0.05;
            (min, max) = (min - pad, max + pad);
        }

        return new Scale(min, max, from, to, logarithmic: false);
    }

    public double Map(double value)
    {
        var x = IsLogarithmic ? Math.Log10(value) : value;
        return from + ((x - low) / (high - low) * (to - from));
    }

    /// <summary>About <paramref name="count"/> round values inside the domain (1, 2 or 5 times a power of ten; decades on a log scale).</summary>
    public IReadOnlyList<double> Ticks(int count = 5)
    {
        if (IsLogarithmic)
        {
            var step = Math.Max(1, (int)Math.Ceiling((high - low) / count));
            var decades = new List<double>();
            for (var exponent = low; exponent <= high + 1e-9; exponent += step)
            {
                decades.Add(Math.Pow(10, exponent));
            }

            return decades;
        }

        var raw = (high - low) / count;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var nice = (raw / magnitude) switch
        {
            < 1.5 => 1,
            < 3 => 2,
            < 7 => 5,
            _ => 10,
        };
        var tickStep = nice * magnitude;
        var ticks = new List<double>();
        for (var tick = Math.Ceiling(low / tickStep) * tickStep; tick <= high + (tickStep * 1e-9); tick += tickStep)
        {
            ticks.Add(Math.Abs(tick) < tickStep * 1e-9 ? 0 : tick);
        }

        return ticks;
    }

    public static string Label(double value) =>
        value == 0 ? "0"
        : Math.Abs(value) is >= 1e5 or < 1e-3 ? value.ToString("0.##E+0", CultureInfo.InvariantCulture)
        : value.ToString("0.####", CultureInfo.InvariantCulture);
}
