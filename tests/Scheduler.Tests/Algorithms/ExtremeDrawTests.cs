using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Algorithms;

/// <summary>
/// Normal-family parameters at the edge of what the space rules accept (mu + 8 sigma = 709.78 in log space,
/// |mu| + 8 sigma near double.MaxValue): no algorithm suggests a value the space refuses (infinity, or a log
/// family's 0), so an extreme draw cannot end an experiment.
/// </summary>
public sealed class ExtremeDrawTests
{
    [Theory]
    [InlineData("rand")]
    [InlineData("tpe")]
    [InlineData("tpe-hyperopt")]
    [InlineData("anneal")]
    public void Suggest_NormalFamiliesAtTheirLimits_EveryPointIsAValidFiniteAssignment(string algorithm)
    {
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["w"] = Hp.LogNormal("w", 309.78, 50),
            ["q"] = Hp.QLogNormal("q", 309.78, 50, 0.001),
            ["n"] = Hp.Normal("n", 1e308, 9e306),
        });

        // The loss falls as every value grows, so TPE's and anneal's kernels crowd the top of each range.
        var history = SequentialMinimizer.Run(
            Algo.Parse(algorithm),
            space,
            point => -Math.Log(point["w"]!.Value) - Math.Log(Math.Max(point["q"]!.Value, 1e-300)) - (point["n"]!.Value / 1e308),
            60,
            seed: 4);

        Assert.All(history, trial =>
        {
            Assert.All(trial.Values.Values, value => Assert.True(double.IsFinite(value!.Value), $"{value:R}"));
            space.Evaluate(trial.Values);
        });
    }

    [Theory]
    [InlineData(true, null, 1000.0, 1.7928227943945155E+308)]
    [InlineData(true, 0.001, 1000.0, 1.7928227943945155E+308)]
    [InlineData(true, null, -1000.0, 4.9406564584124654E-324)]
    [InlineData(false, null, double.PositiveInfinity, double.MaxValue)]
    [InlineData(false, 0.5, double.NegativeInfinity, -double.MaxValue)]
    public void ToValue_KernelDrawBeyondTheFiniteRange_IsClampedToItsEdge(bool isLog, double? q, double model, double expected)
    {
        var domain = NumericDomain.Unbounded(isLog ? 309.78 : 0, 50, q, isLog);

        Assert.Equal(expected, domain.ToValue(model));
    }
}
