using HyperQueue.Contracts;

namespace HyperQueue.WineQuality;

/// <summary>The FastTree hyperparameters the example tunes; <see cref="Default"/> is ML.NET's untuned model.</summary>
internal sealed record FastTreeSettings(int Leaves, int Trees, double LearningRate, int MinExamplesPerLeaf, double FeatureFraction)
{
    /// <summary>ML.NET's FastTree defaults: 20 leaves, 100 trees, learning rate 0.2, 10 examples per leaf, all features.</summary>
    public static FastTreeSettings Default { get; } = new(20, 100, 0.2, 10, 1.0);

    /// <summary>Reads a trial's parameters; quantized values arrive as whole numbers (q = 1 or 25).</summary>
    public static FastTreeSettings From(TrialParameters parameters) => new(
        (int)parameters.GetDouble("leaves"),
        (int)parameters.GetDouble("trees"),
        parameters.GetDouble("learning_rate"),
        (int)parameters.GetDouble("min_examples_per_leaf"),
        parameters.GetDouble("feature_fraction"));
}
