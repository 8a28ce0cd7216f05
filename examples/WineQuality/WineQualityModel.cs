using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace HyperQueue.WineQuality;

/// <summary>
/// Trains FastTree on a fixed 80/20 split of the white-wine data (seed 1) and scores RMSE on the held-out 20 %.
/// The data is read and split once per process; every trial trains on the same rows, so losses compare.
/// </summary>
internal sealed class WineQualityModel
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly IDataView _train;
    private readonly IDataView _test;

    public WineQualityModel(string csvPath)
    {
        var all = _ml.Data.LoadFromTextFile<WineSample>(csvPath, separatorChar: ',', hasHeader: true);
        var split = _ml.Data.TrainTestSplit(all, testFraction: 0.2, seed: 1);
        // Materialize once: trials must not re-read and re-parse the file.
        _train = _ml.Data.Cache(split.TrainSet);
        _test = _ml.Data.Cache(split.TestSet);
    }

    public static string DefaultDataPath => Path.Combine(AppContext.BaseDirectory, "data", "winequality-white.csv");

    /// <summary>Root mean squared error of the quality prediction on the held-out split.</summary>
    public double Rmse(FastTreeSettings settings, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var options = new FastTreeRegressionTrainer.Options
        {
            NumberOfLeaves = settings.Leaves,
            NumberOfTrees = settings.Trees,
            LearningRate = settings.LearningRate,
            MinimumExampleCountPerLeaf = settings.MinExamplesPerLeaf,
            FeatureFraction = settings.FeatureFraction,
            // One thread per trial: the experiment's parallelism decides how many cores are busy.
            NumberOfThreads = 1,
        };
        var model = _ml.Regression.Trainers.FastTree(options).Fit(_train);
        cancellationToken.ThrowIfCancellationRequested();
        return _ml.Regression.Evaluate(model.Transform(_test)).RootMeanSquaredError;
    }
}
