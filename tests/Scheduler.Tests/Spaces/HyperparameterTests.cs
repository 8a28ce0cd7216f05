using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Spaces;

public sealed class HyperparameterTests
{
    private const int Draws = 20_000;

    [Theory]
    [InlineData(-3.0, 2.0)]
    [InlineData(0.0, 1e-3)]
    public void Sample_Uniform_StaysInBoundsWithUniformHalves(double low, double high)
    {
        var values = Sample(Hp.Uniform("x", low, high), seed: 1);

        Assert.All(values, v => Assert.InRange(v, low, high));
        // P(value < midpoint) = 1/2 for U(low, high).
        BinomialAssert.Frequency(0.5, values.Count(v => v < (low + high) / 2), Draws, "below midpoint");
    }

    [Theory]
    [InlineData(0.0, 10.0, 1.0)]
    [InlineData(0.3, 4.1, 1.0)]
    [InlineData(-1.0, 1.0, 0.25)]
    [InlineData(16.0, 256.0, 16.0)]
    public void Sample_QUniform_HitsTheGridWithEndBinMassesFromTheFormula(double low, double high, double q)
    {
        var values = Sample(Hp.QUniform("x", low, high, q), seed: 2);

        // round(u / q) * q = k*q exactly when u lies in [(k - 1/2) q, (k + 1/2) q], so bin k has mass
        // |[(k - 1/2) q, (k + 1/2) q] ∩ [low, high]| / (high - low): end bins are partial.
        var expected = GridMasses(low, high, q, x => x);
        AssertGridFrequencies(values, expected);
    }

    [Fact]
    public void Sample_QUniformLowOffGrid_FallsBelowLowAsTheFormulaSays()
    {
        var values = Sample(Hp.QUniform("x", 0.3, 4.1, 1), seed: 3);

        Assert.Contains(0.0, values);
        Assert.Equal(0.0, values.Min());
        Assert.Equal(4.0, values.Max());
    }

    [Fact]
    public void Sample_UniformInt_IsIntegerInClosedRangeWithHalfEndBins()
    {
        var values = Sample(Hp.UniformInt("k", 1, 4), seed: 4);

        Assert.All(values, v => Assert.Equal(Math.Round(v), v));
        // quniform(1, 4, 1): 1 and 4 get half a unit of the 3-unit range each, 2 and 3 a full unit.
        AssertGridFrequencies(values, new Dictionary<double, double> { [1] = 0.5 / 3, [2] = 1.0 / 3, [3] = 1.0 / 3, [4] = 0.5 / 3 });
    }

    [Theory]
    [InlineData(0L, 5L)]
    [InlineData(-3L, 1L)]
    [InlineData(10L, 11L)]
    public void Sample_RandInt_IsEveryIntegerOfHalfOpenRangeEquallyOften(long low, long high)
    {
        var values = Sample(Hp.RandInt("k", low, high), seed: 5);

        var n = high - low;
        var expected = Enumerable.Range(0, (int)n).ToDictionary(i => (double)(low + i), _ => 1.0 / n);
        AssertGridFrequencies(values, expected);
    }

    [Fact]
    public void Sample_LogUniform_IsExpOfUniformInLogSpaceBounds()
    {
        var (low, high) = (Math.Log(1e-4), Math.Log(1.0));
        var values = Sample(Hp.LogUniform("lr", low, high), seed: 6);

        Assert.All(values, v => Assert.InRange(v, Math.Exp(low), Math.Exp(high)));
        // log(value) ~ U(low, high): a quarter of the mass lies below exp(low + (high - low) / 4).
        BinomialAssert.Frequency(0.25, values.Count(v => v < Math.Exp(low + ((high - low) / 4))), Draws, "lowest quarter in log space");
    }

    [Fact]
    public void Sample_QLogUniform_HitsMultiplesOfQWithMassesFromTheFormula()
    {
        var (low, high, q) = (0.0, Math.Log(100), 10.0);
        var values = Sample(Hp.QLogUniform("n", low, high, q), seed: 7);

        // P(round(exp(u) / q) * q = k q) = |[ln((k - 1/2) q), ln((k + 1/2) q)] ∩ [low, high]| / (high - low);
        // 0 is reachable (exp(u) < q / 2) although it is below exp(low) = 1.
        var expected = GridMasses(Math.Exp(low), Math.Exp(high), q, Math.Log);
        Assert.True(expected[0] > 0.3);
        AssertGridFrequencies(values, expected);
    }

    [Fact]
    public void Sample_Normal_HasMeanAndOneSigmaMass()
    {
        var (mu, sigma) = (3.0, 2.0);
        var values = Sample(Hp.Normal("w", mu, sigma), seed: 8);

        // Sample mean ~ N(mu, sigma / sqrt(n)); 5 standard errors.
        Assert.InRange(values.Average(), mu - (5 * sigma / Math.Sqrt(Draws)), mu + (5 * sigma / Math.Sqrt(Draws)));
        // P(|X - mu| < sigma) = erf(1 / sqrt 2) = 0.682689.
        BinomialAssert.Frequency(0.682689, values.Count(v => Math.Abs(v - mu) < sigma), Draws, "within one sigma");
    }

    [Fact]
    public void Sample_QNormal_IsOnTheGridAroundMu()
    {
        var values = Sample(Hp.QNormal("w", 0, 1, 0.5), seed: 9);

        Assert.All(values, v => Assert.Equal(Math.Round(v / 0.5) * 0.5, v));
        // P(round(X / 0.5) * 0.5 = 0) = P(|X| <= 0.25) = 2 Phi(0.25) - 1 = 0.197413.
        BinomialAssert.Frequency(0.197413, values.Count(v => v == 0), Draws, "zero bin");
    }

    [Fact]
    public void Sample_LogNormal_IsExpOfNormal()
    {
        var (mu, sigma) = (-1.0, 0.5);
        var values = Sample(Hp.LogNormal("w", mu, sigma), seed: 10);

        Assert.All(values, v => Assert.True(v > 0));
        // log(value) ~ N(mu, sigma): half the mass lies below exp(mu).
        BinomialAssert.Frequency(0.5, values.Count(v => v < Math.Exp(mu)), Draws, "below exp(mu)");
    }

    [Fact]
    public void Sample_QLogNormal_IsNonNegativeMultipleOfQ()
    {
        var values = Sample(Hp.QLogNormal("w", 0, 1, 2), seed: 11);

        Assert.All(values, v => Assert.True(v >= 0 && v % 2 == 0, $"{v}"));
        // P(round(exp(X) / 2) * 2 = 0) = P(exp(X) <= 1) = P(X <= 0) = 1/2.
        BinomialAssert.Frequency(0.5, values.Count(v => v == 0), Draws, "zero bin");
    }

    [Theory]
    [InlineData(DistributionKind.LogNormal)]
    [InlineData(DistributionKind.QLogNormal)]
    public void Sample_LogNormalAtTheEightSigmaLimit_EveryDrawOfFixedSeedsIsAValidFiniteValue(DistributionKind kind)
    {
        // mu + 8 sigma = 709.78, the largest the rules accept: the highest draws come near exp(709.78) = 1.79e308.
        var node = kind == DistributionKind.LogNormal ? Hp.LogNormal("w", 309.78, 50) : Hp.QLogNormal("w", 309.78, 50, 0.001);
        var space = SearchSpace.Create(node);
        for (var seed = 0; seed < 5; seed++)
        {
            var random = new Random(seed);
            for (var i = 0; i < Draws; i++)
            {
                var assignment = space.SamplePrior(random);

                Assert.True(double.IsFinite(assignment["w"]!.Value), $"seed {seed}, draw {i}: {assignment["w"]:R}");
                space.Evaluate(assignment);
            }
        }
    }

    [Theory]
    [InlineData("up", 0.5000000000000001, 709.78)]
    [InlineData("down", 0.49999999999999994, -744.44)]
    public void Sample_LogNormalDrawBeyondTheFiniteRange_IsClampedToItsEdge(string label, double firstUniform, double edge)
    {
        // MathNet's polar method turns a first uniform one step from 1/2 (and a second of exactly 1/2) into a normal
        // draw about 12 sigma from mu: 309.78 + 12 * 50 would be exp(909.78) = infinity (and exp(...) / q overflows
        // too), -400 - 12 * 50 would be exp(-1000) = 0; each is clamped to the edge of the finite range instead.
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["up"] = Hp.QLogNormal("up", 309.78, 50, 0.001),
            ["down"] = Hp.LogNormal("down", -400, 50),
        });

        var value = space[label].Sample(new FixedUniforms(firstUniform, 0.5));

        Assert.Equal(Math.Exp(edge), value);
        Assert.True(value is > 0 and <= double.MaxValue);
        space.Evaluate(new Dictionary<string, double?> { ["up"] = 1, ["down"] = 1, [label] = value });
    }

    [Fact]
    public void Sample_QLogUniformWithASmallQNearTheTopOfTheRange_StaysFinite()
    {
        // exp(709.7) / 0.001 overflows a double: the rounding leaves such a value as it is.
        var space = SearchSpace.Create(Hp.QLogUniform("n", 709, 709.7, 0.001));
        var random = new Random(3);

        for (var i = 0; i < 1_000; i++)
        {
            var assignment = space.SamplePrior(random);

            Assert.True(double.IsFinite(assignment["n"]!.Value));
            space.Evaluate(assignment);
        }
    }

    [Fact]
    public void Sample_Choice_PicksEachIndexUniformly()
    {
        var values = Sample(Hp.Choice("c", "a", "b", "c"), seed: 12);

        AssertGridFrequencies(values, new Dictionary<double, double> { [0] = 1.0 / 3, [1] = 1.0 / 3, [2] = 1.0 / 3 });
    }

    [Fact]
    public void Sample_PChoice_PicksIndexesWithTheirProbabilities()
    {
        var values = Sample(Hp.PChoice("c", (0.2, "a"), (0.5, "b"), (0.3, "c"), (0.0, "never")), seed: 13);

        AssertGridFrequencies(values, new Dictionary<double, double> { [0] = 0.2, [1] = 0.5, [2] = 0.3 });
    }

    [Theory]
    [InlineData(2.5, 1.0, 2.0)]
    [InlineData(3.5, 1.0, 4.0)]
    [InlineData(-0.5, 1.0, -0.0)]
    [InlineData(0.75, 0.5, 1.0)]
    [InlineData(1.25, 0.5, 1.0)]
    public void Quantize_Midpoint_RoundsHalfToEven(double value, double q, double expected)
    {
        var parameter = SearchSpace.Create(Hp.QUniform("x", -10, 10, q))["x"];

        Assert.Equal(expected, parameter.Quantize(value));
    }

    [Fact]
    public void Properties_LogFamilies_KeepBoundsInLogSpace()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["a"] = Hp.QLogUniform("a", -2, 3, 0.5),
            ["b"] = Hp.LogNormal("b", 1, 0.5),
        });

        var a = space["a"];
        Assert.Equal((DistributionKind.QLogUniform, -2.0, 3.0, 0.5), (a.Kind, a.Low, a.High, a.Q));
        Assert.True(a.IsLog && a.IsBounded && !a.IsCategorical && !a.IsInteger);
        var b = space["b"];
        Assert.Equal((1.0, 0.5, (double?)null), (b.Mu, b.Sigma, b.Q));
        Assert.True(b.IsLog && !b.IsBounded);
    }

    [Fact]
    public void Properties_PChoice_ExposesCountAndProbabilities()
    {
        var parameter = SearchSpace.Create(Hp.PChoice("c", (0.25, 1), (0.75, 2)))["c"];

        Assert.Equal(2, parameter.OptionCount);
        Assert.Equal([0.25, 0.75], parameter.Probabilities);
        Assert.True(parameter.IsCategorical);
        Assert.Null(SearchSpace.Create(Hp.Choice("d", 1, 2))["d"].Probabilities);
    }

    /// <summary>A generator returning the given uniforms in turn, then 1/2 for ever.</summary>
    private sealed class FixedUniforms(params double[] uniforms) : Random
    {
        private int _next;

        public override double NextDouble() => _next < uniforms.Length ? uniforms[_next++] : 0.5;
    }

    private static double[] Sample(SpaceNode node, int seed)
    {
        var parameter = SearchSpace.Create(node)[node.Label];
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Draws).Select(_ => parameter.Sample(random))];
    }

    /// <summary>Mass of each grid value k q of round(t(x) / q) * q for t(x) uniform between t(low) and t(high).</summary>
    private static Dictionary<double, double> GridMasses(double low, double high, double q, Func<double, double> transform)
    {
        var masses = new Dictionary<double, double>();
        for (var k = Math.Round(low / q); k <= Math.Round(high / q); k++)
        {
            var from = Math.Max(low, (k - 0.5) * q);
            var to = Math.Min(high, (k + 0.5) * q);
            if (to > from)
            {
                masses[k * q] = (transform(to) - transform(from)) / (transform(high) - transform(low));
            }
        }

        return masses;
    }

    private static void AssertGridFrequencies(double[] values, Dictionary<double, double> expected)
    {
        Assert.All(values, v => Assert.True(expected.ContainsKey(v), $"value {v:R} is not on the expected grid"));
        foreach (var (value, probability) in expected)
        {
            BinomialAssert.Frequency(probability, values.Count(v => v == value), Draws, $"value {value:R}");
        }
    }
}
