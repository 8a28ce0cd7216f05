using System.Globalization;
using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Bench;

/// <summary>
/// An algorithm name as the CLI spells it, or a TPE variant for tuning the default by measurement:
/// <c>tpe:multivariate=false;gamma=0.2;startup=10;prior=1;candidates=48;split=sqrt</c> (options over the default), plus
/// the multivariate kernel's internal knobs <c>bandwidth</c> (Scott factor), <c>adaptive</c> (true/false) and
/// <c>floor</c> (the in-flight bandwidth floor).
/// </summary>
internal static class AlgorithmSpec
{
    public static ISearchAlgorithm Parse(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return Algo.Parse(spec);
        }

        var options = spec[..colon] == "tpe-hyperopt" ? TpeOptions.Hyperopt : TpeOptions.Default;
        foreach (var pair in spec[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var value = parts.Length == 2 ? parts[1] : throw new ArgumentException($"variant option '{pair}' must be name=value");
            options = parts[0] switch
            {
                "multivariate" => options with { Multivariate = bool.Parse(value) },
                "gamma" => options with { Gamma = double.Parse(value, CultureInfo.InvariantCulture) },
                "startup" => options with { StartupTrials = int.Parse(value, CultureInfo.InvariantCulture) },
                "prior" => options with { PriorWeight = double.Parse(value, CultureInfo.InvariantCulture) },
                "candidates" => options with { Candidates = int.Parse(value, CultureInfo.InvariantCulture) },
                "bandwidth" => options with { BandwidthFactor = double.Parse(value, CultureInfo.InvariantCulture) },
                "adaptive" => options with { AdaptiveJointBandwidth = bool.Parse(value) },
                "floor" => options with { InFlightBandwidthFloor = double.Parse(value, CultureInfo.InvariantCulture) },
                "split" => options with { Split = value == "sqrt" ? TpeSplit.SquareRoot : TpeSplit.Linear },
                _ => throw new ArgumentException($"variant option '{parts[0]}' is unknown"),
            };
        }

        return Algo.Tpe(options);
    }
}
