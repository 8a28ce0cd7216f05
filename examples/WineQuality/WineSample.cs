using Microsoft.ML.Data;

namespace HyperQueue.WineQuality;

/// <summary>One row of winequality-white.csv: eleven physicochemical inputs and the experts' quality score.</summary>
internal sealed class WineSample
{
    public const int FeatureCount = 11;

    [LoadColumn(0, FeatureCount - 1)]
    [VectorType(FeatureCount)]
    public float[] Features { get; set; } = [];

    [LoadColumn(FeatureCount)]
    [ColumnName("Label")]
    public float Quality { get; set; }
}
