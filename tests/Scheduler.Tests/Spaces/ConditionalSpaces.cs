using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Spaces;

/// <summary>One conditional space in both forms: nested choices, a pchoice, integers and literals.</summary>
internal static class ConditionalSpaces
{
    public const string Json = """
        {
          "lr": {"$hp": "loguniform", "low": -7, "high": 0},
          "model": {"$hp": "choice", "label": "model", "options": [
            {"type": "svm", "C": {"$hp": "uniform", "label": "svm.C", "low": 0.1, "high": 10},
             "kernel": {"$hp": "choice", "label": "kernel", "options": [
               "linear",
               {"name": "rbf", "gamma": {"$hp": "loguniform", "label": "gamma", "low": -5, "high": 0}}]}},
            {"type": "tree", "depth": {"$hp": "randint", "label": "depth", "low": 2, "high": 10},
             "criterion": {"$hp": "pchoice", "label": "criterion", "options": [{"p": 0.7, "value": "gini"}, {"p": 0.3, "value": "entropy"}]}}]},
          "layers": [{"$hp": "uniformint", "label": "units", "low": 16, "high": 64}, 3, null, "x", true],
          "momentum": {"$hp": "qnormal", "label": "momentum", "mu": 0.9, "sigma": 0.05, "q": 0.01}
        }
        """;

    public static Dictionary<string, object?> Structure() => new()
    {
        ["lr"] = Hp.LogUniform("lr", -7, 0),
        ["model"] = Hp.Choice(
            "model",
            new Dictionary<string, object?>
            {
                ["type"] = "svm",
                ["C"] = Hp.Uniform("svm.C", 0.1, 10),
                ["kernel"] = Hp.Choice(
                    "kernel",
                    "linear",
                    new Dictionary<string, object?> { ["name"] = "rbf", ["gamma"] = Hp.LogUniform("gamma", -5, 0) }),
            },
            new Dictionary<string, object?>
            {
                ["type"] = "tree",
                ["depth"] = Hp.RandInt("depth", 2, 10),
                ["criterion"] = Hp.PChoice("criterion", (0.7, "gini"), (0.3, "entropy")),
            }),
        ["layers"] = new object?[] { Hp.UniformInt("units", 16, 64), 3, null, "x", true },
        ["momentum"] = Hp.QNormal("momentum", 0.9, 0.05, 0.01),
    };
}
