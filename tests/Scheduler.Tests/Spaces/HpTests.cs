using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Spaces;

public sealed class HpTests
{
    public static TheoryData<string, Func<SpaceNode>, string> InvalidNodes => new()
    {
        { "uniform low > high", () => Hp.Uniform("lr", 0, -1), "uniform 'lr': low (0) must be less than high (-1)" },
        { "uniform low = high = 0", () => Hp.Uniform("lr", 0, 0), "uniform 'lr': low (0) must be less than high (0)" },
        { "quniform low = high", () => Hp.QUniform("n", 5, 5, 1), "quniform 'n': low (5) must be less than high (5)" },
        { "loguniform low = high = 0", () => Hp.LogUniform("lr", 0, 0), "loguniform 'lr': low (0) must be less than high (0)" },
        { "qloguniform low > high", () => Hp.QLogUniform("lr", 2, 1, 1), "qloguniform 'lr': low (2) must be less than high (1)" },
        { "uniform NaN low", () => Hp.Uniform("lr", double.NaN, 1), "uniform 'lr': low (NaN) must be a finite number" },
        { "uniform infinite high", () => Hp.Uniform("lr", 0, double.PositiveInfinity), "uniform 'lr': high (Infinity) must be a finite number" },
        { "quniform q = 0", () => Hp.QUniform("n", 0, 10, 0), "quniform 'n': q (0) must be greater than 0" },
        { "qloguniform q < 0", () => Hp.QLogUniform("n", 0, 10, -1), "qloguniform 'n': q (-1) must be greater than 0" },
        { "qnormal q = 0", () => Hp.QNormal("n", 0, 1, 0), "qnormal 'n': q (0) must be greater than 0" },
        { "qlognormal q NaN", () => Hp.QLogNormal("n", 0, 1, double.NaN), "qlognormal 'n': q (NaN) must be a finite number" },
        { "normal sigma = 0", () => Hp.Normal("w", 0, 0), "normal 'w': sigma (0) must be greater than 0" },
        { "lognormal sigma < 0", () => Hp.LogNormal("w", 0, -2), "lognormal 'w': sigma (-2) must be greater than 0" },
        { "qnormal mu infinite", () => Hp.QNormal("w", double.NegativeInfinity, 1, 1), "qnormal 'w': mu (-Infinity) must be a finite number" },
        { "lognormal exp(mu + 8 sigma) overflows", () => Hp.LogNormal("loss", 600, 50), "lognormal 'loss': mu + 8 sigma (600 + 8 * 50 = 1000) is in log space and exp of it overflows a double; it must be at most 709.78 (a draw beyond 8 sigma has probability about 6e-16)" },
        { "qlognormal just past the limit", () => Hp.QLogNormal("n", 309.79, 50, 1), "qlognormal 'n': mu + 8 sigma (309.79 + 8 * 50 = 709.79) is in log space and exp of it overflows a double; it must be at most 709.78 (a draw beyond 8 sigma has probability about 6e-16)" },
        { "lognormal sigma overflowing", () => Hp.LogNormal("w", 0, 1e308), "lognormal 'w': mu + 8 sigma (0 + 8 * 1E+308 = Infinity) is in log space and exp of it overflows a double; it must be at most 709.78 (a draw beyond 8 sigma has probability about 6e-16)" },
        { "normal 8 sigma overflows", () => Hp.Normal("w", -1e308, 1e308), "normal 'w': |mu| + 8 sigma (1E+308 + 8 * 1E+308) overflows a double; it must be at most 1.7976931348623157E+308 (a draw beyond 8 sigma has probability about 6e-16)" },
        { "loguniform exp(high) underflows", () => Hp.LogUniform("lr", -900, -800), "loguniform 'lr': high (-800) is in log space and exp(high) underflows to 0; it must be at least -744.44" },
        { "randint upper = 0", () => Hp.RandInt("k", 0), "randint 'k': low (0) must be less than high (0)" },
        { "randint low > high", () => Hp.RandInt("k", 5, 2), "randint 'k': low (5) must be less than high (2)" },
        { "randint beyond 2^53", () => Hp.RandInt("k", 1L << 60), "randint 'k': high (1.152921504606847E+18) must be an integer of magnitude at most 2^53" },
        { "uniformint low = high", () => Hp.UniformInt("k", 3, 3), "uniformint 'k': low (3) must be less than high (3)" },
        { "choice without options", () => Hp.Choice("model"), "choice 'model': options must not be empty" },
        { "pchoice without options", () => Hp.PChoice("model"), "pchoice 'model': options must not be empty" },
        { "pchoice sum below 1", () => Hp.PChoice("model", (0.5, "a"), (0.4, "b")), "pchoice 'model': probabilities must sum to 1 (within 1e-9), got 0.9" },
        { "pchoice negative p", () => Hp.PChoice("model", (-0.5, "a"), (1.5, "b")), "pchoice 'model': probability of option 0 (-0.5) must be in [0, 1]" },
        { "pchoice p above 1", () => Hp.PChoice("model", (1.5, "a"), (-0.5, "b")), "pchoice 'model': probability of option 0 (1.5) must be in [0, 1]" },
        { "pchoice NaN p", () => Hp.PChoice("model", (double.NaN, "a"), (1, "b")), "pchoice 'model': probability of option 0 (NaN) must be in [0, 1]" },
    };

    [Theory]
    [MemberData(nameof(InvalidNodes))]
    public void Factory_InvalidArguments_ThrowsNamingLabelAndRule(string scenario, Func<SpaceNode> create, string expected)
    {
        var error = Assert.Throws<ArgumentException>(create);

        Assert.True(expected == error.Message, $"{scenario}: got '{error.Message}'");
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Uniform_BlankLabel_Throws(string label)
    {
        var error = Assert.Throws<ArgumentException>(() => Hp.Uniform(label, 0, 1));

        Assert.Equal("uniform: label must be a non-empty string", error.Message);
    }

    [Fact]
    public void Choice_OneListOfValues_EachValueIsAnOption()
    {
        var fromArray = SearchSpace.Create(Hp.Choice("units", new[] { 16, 32, 64 }));
        var fromList = SearchSpace.Create(Hp.Choice("act", new List<string> { "relu", "tanh" }));
        var single = SearchSpace.Create(Hp.Choice("s", "only"));

        Assert.Equal(3, fromArray["units"].OptionCount);
        Assert.Equal("32", fromArray.Evaluate(new Dictionary<string, double?> { ["units"] = 1 }).GetRawText());
        Assert.Equal(2, fromList["act"].OptionCount);
        Assert.Equal(1, single["s"].OptionCount);
    }

    [Fact]
    public void PChoice_SumWithinTolerance_IsAccepted()
    {
        var node = Hp.PChoice("model", (0.1, "a"), (0.2, "b"), (0.7, "c"));

        Assert.Equal(DistributionKind.PChoice, node.Kind);
        Assert.Equal("model", node.Label);
    }

    [Fact]
    public void RandInt_OneArgument_IsZeroToUpper()
    {
        var parameter = SearchSpace.Create(Hp.RandInt("k", 7))["k"];

        Assert.Equal((0.0, 7.0), (parameter.Low, parameter.High));
        Assert.Null(parameter.Q);
        Assert.True(parameter.IsInteger);
    }

    [Fact]
    public void UniformInt_IsQuantizedByOneAndInteger()
    {
        var parameter = SearchSpace.Create(Hp.UniformInt("k", 2, 9))["k"];

        Assert.Equal((2.0, 9.0, 1.0), (parameter.Low, parameter.High, parameter.Q));
        Assert.True(parameter.IsInteger);
        Assert.True(parameter.IsBounded);
    }

    [Fact]
    public void Uniform_RangeWiderThanADouble_IsRejectedBeforeSampling()
    {
        var error = Assert.Throws<ArgumentException>(() => Hp.Uniform("x", -1e308, 1e308));

        Assert.Equal("uniform 'x': the range high - low (1E+308 - -1E+308) overflows a double", error.Message);
    }

    [Theory]
    [InlineData(309.78, 50)]
    [InlineData(701.78, 1)]
    [InlineData(-1e6, 1e5)]
    public void LogNormal_MuPlusEightSigmaAtMost709_78_IsAccepted(double mu, double sigma)
    {
        var parameter = SearchSpace.Create(Hp.QLogNormal("w", mu, sigma, 0.5))["w"];

        Assert.Equal((mu, sigma), (parameter.Mu, parameter.Sigma));
    }

    [Fact]
    public void LogUniform_HighWhoseExpOverflows_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Hp.LogUniform("lr", 700, 800));

        Assert.StartsWith("loguniform 'lr': high (800) is in log space and exp(high) overflows", error.Message, StringComparison.Ordinal);
    }
}
