using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Bench;

/// <summary>The quality suite's functions: the five closed-form ones of BENCHMARKS.md and a mixed space.</summary>
internal static class BenchmarkFunctions
{
    private static readonly double[] HartmannAlpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] HartmannA =
    {
        { 10, 3, 17, 3.5, 1.7, 8 }, { 0.05, 10, 17, 0.1, 8, 14 }, { 3, 3.5, 1.7, 10, 17, 8 }, { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] HartmannP =
    {
        { 1312, 1696, 5569, 124, 8283, 5886 }, { 2329, 4135, 8307, 3736, 1004, 9991 },
        { 2348, 1451, 3522, 2883, 3047, 6650 }, { 4047, 8828, 8732, 5743, 1091, 381 },
    };

    public static IReadOnlyList<BenchmarkFunction> ClosedForm { get; } =
    [
        new("branin", () => Box(("x1", -5, 10), ("x2", 0, 15)), Branin, 0.397887),
        new("hartmann6", () => Box([.. Enumerable.Range(1, 6).Select(i => ($"x{i}", 0.0, 1.0))]), Hartmann6, -3.32237),
        new("camel", () => Box(("x1", -3, 3), ("x2", -2, 2)), Camel, -1.0316),
        new("rosenbrock2", () => Box(("x1", -5, 10), ("x2", -5, 10)), Rosenbrock, 0),
        new("styblinski4", () => Box([.. Enumerable.Range(1, 4).Select(i => ($"x{i}", -5.0, 5.0))]), Styblinski, -156.664),
    ];

    /// <summary>Log, quantized, categorical and conditional nodes; minimum 0 at lr 1e-3, 256 units, adam with beta 0.95, relu.</summary>
    public static BenchmarkFunction Mixed { get; } = new("mixed", MixedSpace, MixedLoss, 0);

    public static BenchmarkFunction Find(string name) =>
        ClosedForm.Concat([Mixed]).FirstOrDefault(f => f.Name == name)
        ?? throw new ArgumentException($"function '{name}' is unknown; valid names: {string.Join(", ", ClosedForm.Concat([Mixed]).Select(f => f.Name))}");

    private static SearchSpace Box(params (string Label, double Low, double High)[] dimensions) =>
        SearchSpace.Create(dimensions.ToDictionary(d => d.Label, d => (object?)Hp.Uniform(d.Label, d.Low, d.High)));

    private static double X(IReadOnlyDictionary<string, double?> p, string label) => p[label]!.Value;

    private static double Branin(IReadOnlyDictionary<string, double?> p)
    {
        double x1 = X(p, "x1"), x2 = X(p, "x2");
        const double B = 5.1 / (4 * Math.PI * Math.PI), C = 5 / Math.PI, R = 6, S = 10, T = 1 / (8 * Math.PI);
        return Math.Pow(x2 - B * x1 * x1 + C * x1 - R, 2) + S * (1 - T) * Math.Cos(x1) + S;
    }

    private static double Hartmann6(IReadOnlyDictionary<string, double?> p)
    {
        var total = 0.0;
        for (var i = 0; i < 4; i++)
        {
            var inner = 0.0;
            for (var j = 0; j < 6; j++)
            {
                inner += HartmannA[i, j] * Math.Pow(X(p, $"x{j + 1}") - 1e-4 * HartmannP[i, j], 2);
            }

            total += HartmannAlpha[i] * Math.Exp(-inner);
        }

        return -total;
    }

    private static double Camel(IReadOnlyDictionary<string, double?> p)
    {
        double x1 = X(p, "x1"), x2 = X(p, "x2");
        return (4 - 2.1 * x1 * x1 + Math.Pow(x1, 4) / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2;
    }

    private static double Rosenbrock(IReadOnlyDictionary<string, double?> p)
    {
        double x1 = X(p, "x1"), x2 = X(p, "x2");
        return 100 * Math.Pow(x2 - x1 * x1, 2) + Math.Pow(x1 - 1, 2);
    }

    private static double Styblinski(IReadOnlyDictionary<string, double?> p) =>
        0.5 * Enumerable.Range(1, 4).Select(i => X(p, $"x{i}")).Sum(x => Math.Pow(x, 4) - 16 * x * x + 5 * x);

    private static SearchSpace MixedSpace() => SearchSpace.Create(new Dictionary<string, object?>
    {
        ["lr"] = Hp.LogUniform("lr", Math.Log(1e-5), 0),
        ["units"] = Hp.QUniform("units", 16, 512, 16),
        ["activation"] = Hp.Choice("activation", "relu", "tanh", "sigmoid"),
        ["optimizer"] = Hp.Choice("optimizer",
            new Dictionary<string, object?> { ["kind"] = "sgd", ["momentum"] = Hp.Uniform("momentum", 0, 0.99) },
            new Dictionary<string, object?> { ["kind"] = "adam", ["beta"] = Hp.Uniform("beta", 0.8, 0.999) }),
    });

    private static double MixedLoss(IReadOnlyDictionary<string, double?> p)
    {
        var optimizer = X(p, "optimizer") == 0
            ? 0.5 + 4 * Math.Pow(X(p, "momentum") - 0.9, 2)
            : 100 * Math.Pow(X(p, "beta") - 0.95, 2);
        return Math.Pow(Math.Log10(X(p, "lr")) + 3, 2) + Math.Pow((X(p, "units") - 256) / 128, 2)
            + 0.3 * X(p, "activation") + optimizer;
    }
}
