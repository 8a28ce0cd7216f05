using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Optimization;

/// <summary>Real search spaces shared by the optimization tests.</summary>
internal static class TestSpaces
{
    /// <summary>One uniform parameter x in [0, 1).</summary>
    public static SearchSpace Unit() => SearchSpace.Create(new Dictionary<string, object?> { ["x"] = Hp.Uniform("x", 0, 1) });

    /// <summary>
    /// A nested choice: model is an svm with C in [0, 10) or a tree with an integer depth in [1, 10), plus a
    /// log-uniform learning rate outside the choice.
    /// </summary>
    public static SearchSpace NestedModel() => SearchSpace.Create(new Dictionary<string, object?>
    {
        ["model"] = Hp.Choice(
            "model",
            new Dictionary<string, object?> { ["type"] = "svm", ["C"] = Hp.Uniform("C", 0, 10) },
            new Dictionary<string, object?> { ["type"] = "tree", ["depth"] = Hp.RandInt("depth", 1, 10) }),
        ["lr"] = Hp.LogUniform("lr", -5, 0),
    });

    /// <summary>The loss for <see cref="NestedModel"/>: C / 10 for an svm, depth / 10 for a tree.</summary>
    public static double NestedModelLoss(Contracts.TrialParameters parameters) =>
        parameters.GetString("model.type") == "svm"
            ? parameters.GetDouble("model.C") / 10
            : parameters.GetInt32("model.depth") / 10.0;
}
