using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Algorithms;

/// <summary>Spaces and objectives the algorithm tests share.</summary>
internal static class TestSpaces
{
    /// <summary>Every node kind, including a pchoice nested in a choice branch.</summary>
    public static SearchSpace EveryKind() => SearchSpace.Create(new Dictionary<string, object?>
    {
        ["u"] = Hp.Uniform("u", -5, 5),
        ["qu"] = Hp.QUniform("qu", 1, 100, 1),
        ["lu"] = Hp.LogUniform("lu", Math.Log(1e-4), 0),
        ["qlu"] = Hp.QLogUniform("qlu", 0, Math.Log(1000), 5),
        ["n"] = Hp.Normal("n", 0, 2),
        ["qn"] = Hp.QNormal("qn", 10, 3, 0.5),
        ["ln"] = Hp.LogNormal("ln", 0, 1),
        ["qln"] = Hp.QLogNormal("qln", 2, 0.5, 1),
        ["ri"] = Hp.RandInt("ri", 3, 9),
        ["ui"] = Hp.UniformInt("ui", -2, 2),
        ["model"] = Hp.Choice("model",
            new Dictionary<string, object?> { ["kind"] = "svm", ["c"] = Hp.LogUniform("c", -3, 3) },
            new Dictionary<string, object?>
            {
                ["kind"] = "tree",
                ["depth"] = Hp.RandInt("depth", 1, 10),
                ["criterion"] = Hp.PChoice("criterion", (0.3, "gini"), (0.7, "entropy")),
            }),
    });

    /// <summary>A loss over <see cref="EveryKind"/> with its minimum at a point the prior rarely hits.</summary>
    public static double EveryKindLoss(IReadOnlyDictionary<string, double?> p) =>
        Math.Pow(p["u"]!.Value - 1, 2) + Math.Abs(p["qu"]!.Value - 30) / 50 + Math.Abs(Math.Log(p["lu"]!.Value) + 5) / 5
        + (p["model"] == 1 ? Math.Abs(p["depth"]!.Value - 7) / 5 + (p["criterion"] == 0 ? 0 : 0.5) : 2);

    /// <summary>A choice nested in a choice's branch: groups {outer, w}, {a, inner}, {x}, {y}, {b}.</summary>
    public static SearchSpace NestedChoices() => SearchSpace.Create(new Dictionary<string, object?>
    {
        ["w"] = Hp.Uniform("w", -1, 1),
        ["outer"] = Hp.Choice("outer",
            new Dictionary<string, object?>
            {
                ["a"] = Hp.Uniform("a", 0, 1),
                ["inner"] = Hp.Choice("inner",
                    new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", -1, 1) },
                    new Dictionary<string, object?> { ["y"] = Hp.QUniform("y", 0, 10, 1) }),
            },
            new Dictionary<string, object?> { ["b"] = Hp.Uniform("b", 0, 1) }),
    });

    /// <summary>Minimum 0 in branch (outer 0, inner 0) at a = 0.8, x = -0.5, w = 0.3; branch outer 1 is 0.5 worse at best.</summary>
    public static double NestedChoicesLoss(IReadOnlyDictionary<string, double?> p)
    {
        var shared = Math.Pow(p["w"]!.Value - 0.3, 2);
        if (p["outer"] == 1)
        {
            return shared + 0.5 + Math.Pow(p["b"]!.Value - 0.5, 2);
        }

        var branch = p["inner"] == 0 ? Math.Pow(p["x"]!.Value + 0.5, 2) : 0.3 + Math.Abs(p["y"]!.Value - 4) / 10;
        return shared + Math.Pow(p["a"]!.Value - 0.8, 2) + branch;
    }

    public static SearchSpace Quadratic() => SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", -10, 10) });

    public static double QuadraticLoss(IReadOnlyDictionary<string, double?> p) => Math.Pow(p["x"]!.Value - 3, 2);

    /// <summary>Five arms with losses 1, 0.8, 0.5, 0.2, 0: the algorithm must learn which arm is best.</summary>
    public static SearchSpace Arms() => SearchSpace.Create(new Dictionary<string, object?> { ["arm"] = Hp.Choice("arm", "a", "b", "c", "d", "e") });

    public static double ArmsLoss(IReadOnlyDictionary<string, double?> p) => new[] { 1, 0.8, 0.5, 0.2, 0 }[(int)p["arm"]!.Value];

    public static SearchSpace Branin() => SearchSpace.Create(new Dictionary<string, object?>
    {
        ["x1"] = Hp.Uniform("x1", -5, 10),
        ["x2"] = Hp.Uniform("x2", 0, 15),
    });

    public static double BraninLoss(IReadOnlyDictionary<string, double?> p)
    {
        double x1 = p["x1"]!.Value, x2 = p["x2"]!.Value;
        const double B = 5.1 / (4 * Math.PI * Math.PI), C = 5 / Math.PI, R = 6, S = 10, T = 1 / (8 * Math.PI);
        return Math.Pow(x2 - B * x1 * x1 + C * x1 - R, 2) + S * (1 - T) * Math.Cos(x1) + S;
    }
}
