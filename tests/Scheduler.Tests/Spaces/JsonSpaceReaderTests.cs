using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Spaces;

public sealed class JsonSpaceReaderTests
{
    [Fact]
    public void FromJson_LabelOmitted_DefaultsToDottedKeyPath()
    {
        var space = SearchSpace.FromJson("""
            {"model": {"opt": {"lr": {"$hp": "uniform", "low": 0, "high": 1}}},
             "layers": [{"$hp": "randint", "high": 4}],
             "algo": {"$hp": "choice", "options": [{"depth": {"$hp": "uniformint", "low": 1, "high": 3}}, "none"]}}
            """);

        Assert.Equal(["algo", "algo.depth", "layers.0", "model.opt.lr"], space.Parameters.Select(p => p.Label).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FromJson_EveryKind_MatchesTheCSharpNode()
    {
        var json = SearchSpace.FromJson("""
            {"a": {"$hp": "uniform", "low": -1, "high": 1},
             "b": {"$hp": "quniform", "low": 0, "high": 10, "q": 2},
             "c": {"$hp": "loguniform", "low": -3, "high": 0},
             "d": {"$hp": "qloguniform", "low": 0, "high": 4, "q": 5},
             "e": {"$hp": "normal", "mu": 1, "sigma": 2},
             "f": {"$hp": "qnormal", "mu": 1, "sigma": 2, "q": 0.5},
             "g": {"$hp": "lognormal", "mu": 0, "sigma": 1},
             "h": {"$hp": "qlognormal", "mu": 0, "sigma": 1, "q": 1},
             "i": {"$hp": "randint", "high": 5},
             "j": {"$hp": "randint", "low": -2, "high": 5},
             "k": {"$hp": "uniformint", "low": 1, "high": 6},
             "l": {"$hp": "choice", "options": [1, "two", null]},
             "m": {"$hp": "pchoice", "options": [{"p": 0.25, "value": 1}, {"p": 0.75, "value": [2]}]}}
            """);
        var csharp = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["a"] = Hp.Uniform("a", -1, 1),
            ["b"] = Hp.QUniform("b", 0, 10, 2),
            ["c"] = Hp.LogUniform("c", -3, 0),
            ["d"] = Hp.QLogUniform("d", 0, 4, 5),
            ["e"] = Hp.Normal("e", 1, 2),
            ["f"] = Hp.QNormal("f", 1, 2, 0.5),
            ["g"] = Hp.LogNormal("g", 0, 1),
            ["h"] = Hp.QLogNormal("h", 0, 1, 1),
            ["i"] = Hp.RandInt("i", 5),
            ["j"] = Hp.RandInt("j", -2, 5),
            ["k"] = Hp.UniformInt("k", 1, 6),
            ["l"] = Hp.Choice("l", 1, "two", null),
            ["m"] = Hp.PChoice("m", (0.25, 1), (0.75, new[] { 2 })),
        });

        Assert.Equal(Describe(csharp), Describe(json));
        var (r1, r2) = (new Random(9), new Random(9));
        for (var n = 0; n < 50; n++)
        {
            Assert.Equal(csharp.Evaluate(csharp.SamplePrior(r1)).GetRawText(), json.Evaluate(json.SamplePrior(r2)).GetRawText());
        }
    }

    public static TheoryData<string, string> InvalidSpaces => new()
    {
        { """{"a": {"$hp": "unifrom", "low": 0, "high": 1}}""", "$.a.$hp: unknown $hp kind \"unifrom\"; expected one of choice, pchoice, uniform," },
        { """{"a": {"$hp": 3}}""", "$.a.$hp: unknown $hp kind 3;" },
        { """{"a": {"$hp": "uniform", "low": 0}}""", "$.a: uniform is missing field 'high'" },
        { """{"a": {"$hp": "normal", "mu": 0, "sgima": 1}}""", "$.a.sgima: unknown field 'sgima' for normal; expected $hp, label, mu, sigma" },
        { """{"a": {"$hp": "uniform", "low": {"$hp": "uniform", "low": 0, "high": 1}, "high": 2}}""", "$.a.low: uniform low must be a constant number; a bound that is itself a parameter is not supported" },
        { """{"a": {"$hp": "uniform", "low": "0", "high": 1}}""", "$.a.low: uniform low must be a finite number, got \"0\"" },
        { """{"a": {"$hp": "uniform", "low": 1e999, "high": 1}}""", "$.a.low: uniform low must be a finite number, got 1e999" },
        { """{"a": {"$hp": "uniform", "low": 1, "high": 0}}""", "$.a: uniform 'a': low (1) must be less than high (0)" },
        { """{"a": {"$hp": "uniform", "label": "lr", "low": 0, "high": 0}}""", "$.a: uniform 'lr': low (0) must be less than high (0)" },
        { """{"a": {"$hp": "uniform", "label": 5, "low": 0, "high": 1}}""", "$.a.label: uniform label must be a non-empty string, got 5" },
        { """{"a": {"$hp": "randint", "high": 2.5}}""", "$.a.high: randint high (2.5) must be an integer" },
        { """{"a": {"$hp": "uniformint", "low": 0.5, "high": 3}}""", "$.a.low: uniformint low (0.5) must be an integer" },
        { """{"a": {"$hp": "qlognormal", "mu": 0, "sigma": 1, "q": 0}}""", "$.a: qlognormal 'a': q (0) must be greater than 0" },
        { """{"a": {"$hp": "choice", "options": []}}""", "$.a: choice 'a': options must not be empty" },
        { """{"a": {"$hp": "choice", "options": {"x": 1}}}""", "$.a.options: choice options must be an array, got Object" },
        { """{"a": {"$hp": "choice"}}""", "$.a: choice is missing field 'options'" },
        { """{"a": {"$hp": "pchoice", "options": [{"p": 0.5, "value": 1}, {"p": 0.4, "value": 2}]}}""", "$.a: pchoice 'a': probabilities must sum to 1 (within 1e-9), got 0.9" },
        { """{"a": {"$hp": "pchoice", "options": [1, 2]}}""", "$.a.options[0]: a pchoice option must be an object" },
        { """{"a": {"$hp": "pchoice", "options": [{"p": 1}]}}""", "$.a.options[0]: pchoice option is missing field 'value'" },
        { """{"a": {"$hp": "pchoice", "options": [{"p": 1, "value": 1, "weight": 2}]}}""", "$.a.options[0].weight: unknown field 'weight' for pchoice option" },
        { """{"m": {"$hp": "choice", "options": [{"d": {"$hp": "randint", "low": 5, "high": 2}}]}}""", "$.m.options[0].d: randint 'm.d': low (5) must be less than high (2)" },
        { """{"m": {"$hp": "pchoice", "options": [{"p": 1, "value": {"d": {"$hp": "normal", "mu": 0, "sigma": -1}}}]}}""", "$.m.options[0].value.d: normal 'm.d': sigma (-1) must be greater than 0" },
        { """{"m": {"$hp": "choice", "options": [{"lr": {"$hp": "uniform", "low": 0, "high": 1}}, {"lr": {"$hp": "uniform", "low": 0, "high": 2}}]}}""", "$.m.options[1].lr: label 'm.lr' is used by two different nodes (uniform 'm.lr' at $.m.options[0].lr and uniform 'm.lr' here)" },
        { """{"$hp": "uniform", "low": 0, "high": 1}""", "$: uniform at the root has no key to name it; give it a \"label\"" },
        { """{"a": 1, "a": 2}""", "$.a: duplicate key 'a'" },
        { """{"a": {"b c": {"$hp": "uniform", "low": 2, "high": 1}}}""", "$.a['b c']: uniform 'a.b c': low (2) must be less than high (1)" },
        { """{"a": [1, {"$hp": "loguniform", "low": 0, "high": 0}]}""", "$.a[1]: loguniform 'a.1': low (0) must be less than high (0)" },
        { """{"a": {"$hp": "choice", "options": ["ok", "x\ud800"]}}""", "$.a.options[1]: must be valid Unicode text (lone surrogate \\ud800)" },
        { """{"a": {"$hp": "uniform", "label": "\udc00", "low": 0, "high": 1}}""", "$.a.label: must be valid Unicode text (lone surrogate \\udc00)" },
        { """{"a": {"b\ud800": {"$hp": "uniform", "low": 0, "high": 1}}}""", "$.a['b\\ud800']: the member name must be valid Unicode text (lone surrogate \\ud800)" },
        { """{"a": """, "the space is not valid JSON (line 1, byte 7: " },
    };

    [Theory]
    [MemberData(nameof(InvalidSpaces))]
    public void FromJson_InvalidSpace_ThrowsNamingJsonPath(string json, string expectedStart)
    {
        var error = Assert.Throws<ArgumentException>(() => SearchSpace.FromJson(json));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_LiteralsAreKeptVerbatim()
    {
        var space = SearchSpace.FromJson("""{"big": 12345678901234567890, "pi": 3.14159, "s": "x\u00e9", "n": null, "nested": {"t": [true, false]}}""");

        Assert.Empty(space.Parameters);
        Assert.Equal("""{"big":12345678901234567890,"pi":3.14159,"s":"x\u00E9","n":null,"nested":{"t":[true,false]}}""", space.Evaluate(new Dictionary<string, double?>()).GetRawText());
    }

    private static List<string> Describe(SearchSpace space) =>
        [.. space.Parameters.Select(p => $"{p.Label} {p.Kind} {p.Low:R} {p.High:R} {p.Mu:R} {p.Sigma:R} {p.Q:R} {p.OptionCount} {string.Join('/', p.Probabilities ?? [])}")];
}
