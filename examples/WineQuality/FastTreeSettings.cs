using HyperQueue.Contracts;

namespace HyperQueue.WineQuality;

/// <summary>The FastTree hyperparameters the example tunes; <see cref="Default"/> is ML.NET's untuned model.</summary>
internal sealed record FastTreeSettings(int Leaves, int Trees, double LearningRate, int MinExamplesPerLeaf, double FeatureFraction)
{
    /// <summary>ML.NET's FastTree defaults: 20 leaves, 100 trees, learning rate 0.2, 10 examples per leaf, all features.</summary>
    public static FastTreeSettings Default { get; } = new(20, 100, 0.2, 10, 1.0);

    public static FastTreeSettings From(TrialParameters parameters) => new(
        parameters.GetInt32("leaves"),
        parameters.GetInt32("trees"),
        parameters.GetDouble("learning_rate"),
        parameters.GetInt32("min_examples_per_leaf"),
        parameters.GetDouble("feature_fraction"));
}
