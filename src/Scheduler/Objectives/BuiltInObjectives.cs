using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Objectives;

/// <summary>
/// Objectives that <c>hq</c> serves without user code, for demos, tests and load runs: the benchmark functions
/// under their table names (parameters <c>x1</c>, <c>x2</c>, ...) and <c>sleep</c> (sleeps <c>seconds</c>, returns
/// <c>loss</c>, default 0).
/// </summary>
internal static class BuiltInObjectives
{
    public static IReadOnlyDictionary<string, Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>>> All { get; } =
        new Dictionary<string, Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>>>(StringComparer.Ordinal)
        {
            ["branin"] = Pure(p => BenchmarkFunctions.Branin(p.GetDouble("x1"), p.GetDouble("x2"))),
            ["hartmann6"] = Pure(p => BenchmarkFunctions.Hartmann6(Coordinates(p, 6))),
            ["camel"] = Pure(p => BenchmarkFunctions.Camel(p.GetDouble("x1"), p.GetDouble("x2"))),
            ["rosenbrock2"] = Pure(p => BenchmarkFunctions.Rosenbrock2(p.GetDouble("x1"), p.GetDouble("x2"))),
            ["styblinski4"] = Pure(p => BenchmarkFunctions.StyblinskiTang(Coordinates(p, 4))),
            ["sleep"] = SleepAsync,
        };

    private static Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> Pure(Func<HyperQueue.Contracts.TrialParameters, double> function) =>
        (context, _) => Task.FromResult<ObjectiveResult>(function(context.Parameters));

    private static double[] Coordinates(HyperQueue.Contracts.TrialParameters parameters, int count)
    {
        var x = new double[count];
        for (var i = 0; i < count; i++)
        {
            x[i] = parameters.GetDouble($"x{i + 1}");
        }

        return x;
    }

    private static async Task<ObjectiveResult> SleepAsync(ObjectiveContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Parameters;
        var seconds = parameters.TryGet("seconds", out var s) ? s.GetDouble() : 0;
        if (seconds > 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds), cancellationToken);
        }

        return parameters.TryGet("loss", out var loss) ? loss.GetDouble() : 0.0;
    }
}
