using HyperQueue.Scheduler.Algorithms;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class AlgoTests
{
    [Theory]
    [InlineData("rand")]
    [InlineData("tpe")]
    [InlineData("tpe-hyperopt")]
    [InlineData("anneal")]
    public void Parse_KnownName_ReturnsThatAlgorithm(string name) => Assert.Equal(name, Algo.Parse(name).Name);

    [Fact]
    public void Parse_UnknownName_ListsTheValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => Algo.Parse("bayes"));

        Assert.Contains("'bayes' is unknown; valid names: rand, tpe, tpe-hyperopt, anneal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tpe_InvalidGamma_NamesTheFieldValueAndRule()
    {
        var error = Assert.Throws<ArgumentException>(() => Algo.Tpe(TpeOptions.Default with { Gamma = 1.5 }));

        Assert.Contains("Gamma (1.5) must be in (0, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TpeHyperopt_Preset_HasHyperoptDefaults()
    {
        var preset = TpeOptions.Hyperopt;

        Assert.Equal((20, 24, 0.25, TpeSplit.SquareRoot, 1.0, 25), (preset.StartupTrials, preset.Candidates, preset.Gamma, preset.Split, preset.PriorWeight, preset.ForgettingThreshold));
    }
}
