using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.WineQuality;

/// <summary>The search space: tree shape and count on log or quantized scales, learning rate on a log scale.</summary>
internal static class WineQualitySpace
{
    public static SearchSpace Create() => SearchSpace.Create(new Dictionary<string, object?>
    {
        ["leaves"] = Hp.QLogUniform("leaves", Math.Log(4), Math.Log(128), 1),
        ["trees"] = Hp.QUniform("trees", 50, 500, 25),
        ["learning_rate"] = Hp.LogUniform("learning_rate", Math.Log(0.01), Math.Log(0.4)),
        ["min_examples_per_leaf"] = Hp.QLogUniform("min_examples_per_leaf", Math.Log(1), Math.Log(64), 1),
        ["feature_fraction"] = Hp.Uniform("feature_fraction", 0.5, 1.0),
    });
}
