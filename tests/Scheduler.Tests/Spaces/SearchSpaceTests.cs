using System.Text.Json;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Spaces;

public sealed class SearchSpaceTests
{
    private static readonly SearchSpace Space = SearchSpace.Create(ConditionalSpaces.Structure());

    [Fact]
    public void Parameters_ConditionalSpace_ListsEveryLabelWithChoicesBeforeTheirOptions()
    {
        var labels = Space.Parameters.Select(p => p.Label).ToList();

        Assert.Equal(["criterion", "depth", "gamma", "kernel", "lr", "model", "momentum", "svm.C", "units"], labels.Order(StringComparer.Ordinal));
        Assert.True(labels.IndexOf("model") < labels.IndexOf("svm.C"));
        Assert.True(labels.IndexOf("model") < labels.IndexOf("kernel"));
        Assert.True(labels.IndexOf("model") < labels.IndexOf("depth"));
        Assert.True(labels.IndexOf("model") < labels.IndexOf("criterion"));
        Assert.True(labels.IndexOf("kernel") < labels.IndexOf("gamma"));
    }

    [Fact]
    public void Parameters_KeysListedInAnotherOrder_SameOrder()
    {
        var reversed = ConditionalSpaces.Structure().Reverse().ToDictionary(kv => kv.Key, kv => kv.Value);

        var labels = SearchSpace.Create(reversed).Parameters.Select(p => p.Label);

        Assert.Equal(Space.Parameters.Select(p => p.Label), labels);
    }

    [Fact]
    public void Indexer_UnknownLabel_ThrowsNamingIt()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Space["nope"]);

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SamplePrior_ConditionalSpace_EveryLabelPresentAndOnlyTheChosenBranchActive()
    {
        var random = new Random(21);
        const int draws = 4000;
        var gammaActive = 0;
        for (var i = 0; i < draws; i++)
        {
            var sample = Space.SamplePrior(random);

            Assert.Equal(Space.Parameters.Count, sample.Count);
            Assert.NotNull(sample["lr"]);
            Assert.NotNull(sample["units"]);
            var svm = sample["model"] == 0;
            Assert.Equal(svm, sample["svm.C"] is not null);
            Assert.Equal(svm, sample["kernel"] is not null);
            Assert.Equal(!svm, sample["depth"] is not null);
            Assert.Equal(!svm, sample["criterion"] is not null);
            Assert.Equal(svm && sample["kernel"] == 1, sample["gamma"] is not null);
            gammaActive += sample["gamma"] is null ? 0 : 1;
            Space.ValidateAssignment(sample);
        }

        // gamma is active when model = svm (1/2) and kernel = rbf (1/2): probability 1/4.
        BinomialAssert.Frequency(0.25, gammaActive, draws, "gamma active");
    }

    [Fact]
    public void SamplePrior_SameSeed_SameSamplesRunToRun()
    {
        var first = SampleMany(SearchSpace.Create(ConditionalSpaces.Structure()), seed: 42);
        var second = SampleMany(SearchSpace.Create(ConditionalSpaces.Structure()), seed: 42);

        Assert.Equal(first, second);
        Assert.NotEqual(first, SampleMany(Space, seed: 43));
    }

    [Fact]
    public void SamplePrior_SameSeed_CSharpAndJsonFormsAgree()
    {
        var json = SearchSpace.FromJson(ConditionalSpaces.Json);

        Assert.Equal(SampleMany(Space, seed: 7), SampleMany(json, seed: 7));
        Assert.Equal(Space.Parameters.Select(p => (p.Label, p.Kind, p.Low, p.High, p.Mu, p.Sigma, p.Q)), json.Parameters.Select(p => (p.Label, p.Kind, p.Low, p.High, p.Mu, p.Sigma, p.Q)));
    }

    [Fact]
    public void IsActive_DependsOnTheChoicesLeadingToTheParameter()
    {
        var svmRbf = new Dictionary<string, double?> { ["model"] = 0, ["kernel"] = 1 };
        var svmLinear = new Dictionary<string, double?> { ["model"] = 0, ["kernel"] = 0 };
        var tree = new Dictionary<string, double?> { ["model"] = 1, ["kernel"] = null };

        Assert.True(Space.IsActive(Space["gamma"], svmRbf));
        Assert.False(Space.IsActive(Space["gamma"], svmLinear));
        Assert.False(Space.IsActive(Space["gamma"], tree));
        Assert.True(Space.IsActive(Space["depth"], tree));
        Assert.False(Space.IsActive(Space["depth"], svmRbf));
        Assert.True(Space.IsActive(Space["lr"], new Dictionary<string, double?>()));
    }

    [Fact]
    public void IsActive_ParameterOfAnotherSpace_Throws()
    {
        var other = SearchSpace.Create(ConditionalSpaces.Structure());

        var error = Assert.Throws<ArgumentException>(() => Space.IsActive(other["lr"], new Dictionary<string, double?>()));

        Assert.Contains("'lr'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_NestedChoices_GivesTheChosenStructureWithIntegersAsIntegers()
    {
        var assignment = Assignment(("lr", 0.01), ("model", 0), ("svm.C", 2.5), ("kernel", 1), ("gamma", 0.125),
            ("depth", null), ("criterion", null), ("units", 32), ("momentum", 0.91));

        var evaluated = Space.Evaluate(assignment);

        Assert.Equal(
            """{"lr":0.01,"model":{"type":"svm","C":2.5,"kernel":{"name":"rbf","gamma":0.125}},"layers":[32,3,null,"x",true],"momentum":0.91}""",
            evaluated.GetRawText());
    }

    [Fact]
    public void Evaluate_OtherBranch_InactiveBranchAbsentAndRandIntInteger()
    {
        var assignment = Assignment(("lr", 0.5), ("model", 1), ("svm.C", null), ("kernel", null), ("gamma", null),
            ("depth", 7), ("criterion", 1), ("units", 64), ("momentum", 0.9));

        var evaluated = Space.Evaluate(assignment);

        Assert.Equal(
            """{"lr":0.5,"model":{"type":"tree","depth":7,"criterion":"entropy"},"layers":[64,3,null,"x",true],"momentum":0.9}""",
            evaluated.GetRawText());
        Assert.Equal(7, evaluated.GetProperty("model").GetProperty("depth").GetInt32());
    }

    [Fact]
    public void Evaluate_SampledIntegers_AreJsonIntegers()
    {
        var random = new Random(5);
        for (var i = 0; i < 200; i++)
        {
            var evaluated = Space.Evaluate(Space.SamplePrior(random));

            var units = evaluated.GetProperty("layers")[0].GetRawText();
            Assert.Matches("^[0-9]+$", units);
        }
    }

    [Fact]
    public void Evaluate_ActiveLabelWithoutValue_ThrowsNamingLabel()
    {
        var assignment = Assignment(("lr", 0.5), ("model", 1), ("units", 20), ("momentum", 0.9), ("criterion", 0));

        var error = Assert.Throws<ArgumentException>(() => Space.Evaluate(assignment));

        Assert.Equal("randint 'depth': the assignment has no value for this active label", error.Message);
    }

    [Fact]
    public void Evaluate_ChoiceIndexOutOfRange_ThrowsNamingLabel()
    {
        var assignment = Assignment(("lr", 0.5), ("model", 2), ("units", 20), ("momentum", 0.9));

        var error = Assert.Throws<ArgumentException>(() => Space.Evaluate(assignment));

        Assert.Equal("choice 'model': value (2) must be an option index, an integer in [0, 2)", error.Message);
    }

    [Fact]
    public void Evaluate_LiteralRoot_ReturnsTheLiteral()
    {
        var space = SearchSpace.Create(new object?[] { 1, 2.5f, 3.25m, 'c', (byte)4, ulong.MaxValue });

        Assert.Empty(space.Parameters);
        Assert.Equal("""[1,2.5,3.25,"c",4,18446744073709551615]""", space.Evaluate(new Dictionary<string, double?>()).GetRawText());
    }

    [Fact]
    public void Evaluate_NodeAtRoot_ReturnsItsValue()
    {
        var space = SearchSpace.Create(Hp.Choice("c", "a", Hp.RandInt("k", 3)));

        Assert.Equal("\"a\"", space.Evaluate(Assignment(("c", 0), ("k", null))).GetRawText());
        Assert.Equal("2", space.Evaluate(Assignment(("c", 1), ("k", 2))).GetRawText());
    }

    public static TheoryData<string, (string Label, double? Value)[], string> InvalidAssignments => new()
    {
        { "unknown label", [("bogus", 1)], "assignment: unknown label 'bogus'" },
        { "missing label", [("lr", RemoveMarker)], "assignment: loguniform 'lr': the assignment has no entry for this label (inactive labels hold null)" },
        { "active label null", [("svm.C", null)], "assignment: uniform 'svm.C': the label is active under this assignment but has no value" },
        { "inactive label with value", [("depth", 3)], "assignment: randint 'depth': the label is inactive under this assignment (a choice picked another option) but has value 3; inactive labels hold null" },
        { "choice index out of range", [("kernel", 2)], "assignment: choice 'kernel': value (2) must be an option index, an integer in [0, 2)" },
        { "choice index not integral", [("kernel", 0.5)], "assignment: choice 'kernel': value (0.5) must be an option index, an integer in [0, 2)" },
        { "uniform out of range", [("svm.C", 11)], "assignment: uniform 'svm.C': value (11) must be in [0.1, 10]" },
        { "loguniform out of range", [("lr", 2)], "assignment: loguniform 'lr': value (2) must be in [exp(-7), exp(0)]" },
        { "uniformint not integral", [("units", 20.5)], "assignment: uniformint 'units': value (20.5) must be an integer in [16, 64]" },
        { "uniformint out of range", [("units", 65)], "assignment: uniformint 'units': value (65) must be an integer in [16, 64]" },
        { "qnormal off grid", [("momentum", 0.905)], "assignment: qnormal 'momentum': value (0.905) must be a multiple of q (0.01)" },
        { "not finite", [("svm.C", double.NaN)], "assignment: uniform 'svm.C': value (NaN) must be a finite number" },
    };

    [Theory]
    [MemberData(nameof(InvalidAssignments))]
    public void ValidateAssignment_BreaksARule_ThrowsNamingLabel(string scenario, (string Label, double? Value)[] changes, string expectedStart)
    {
        var assignment = new Dictionary<string, double?>(ValidSvmAssignment());
        foreach (var (label, value) in changes)
        {
            if (value == RemoveMarker)
            {
                assignment.Remove(label);
            }
            else
            {
                assignment[label] = value;
            }
        }

        var error = Assert.Throws<ArgumentException>(() => Space.ValidateAssignment(assignment));

        Assert.True(error.Message.StartsWith(expectedStart, StringComparison.Ordinal), $"{scenario}: got '{error.Message}'");
    }

    [Theory]
    [InlineData(2.0, 0.0)]
    [InlineData(8.0, 1.0)]
    public void ValidateAssignment_RandIntOutOfRangeOrFraction_ThrowsNamingLabel(double depth, double criterion)
    {
        var assignment = Assignment(("lr", 0.5), ("model", 1), ("svm.C", null), ("kernel", null), ("gamma", null),
            ("depth", depth + 0.5), ("criterion", criterion), ("units", 20), ("momentum", 0.9));

        var error = Assert.Throws<ArgumentException>(() => Space.ValidateAssignment(assignment));

        Assert.Equal($"assignment: randint 'depth': value ({depth + 0.5}) must be an integer in [2, 10)", error.Message);
    }

    [Fact]
    public void ValidateAssignment_QuantizedValuesBelowLowFromTheFormula_AreAccepted()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["a"] = Hp.QUniform("a", 0.3, 4.1, 1),
            ["b"] = Hp.QLogUniform("b", 0, Math.Log(100), 10),
        });

        var valid = Record.Exception(() => space.ValidateAssignment(Assignment(("a", 0), ("b", 0))));
        var error = Assert.Throws<ArgumentException>(() => space.ValidateAssignment(Assignment(("a", -1), ("b", 0))));

        Assert.Null(valid);
        Assert.StartsWith("assignment: quniform 'a': value (-1) cannot come from", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompleteAssignment_OnlyActiveLabels_AddsInactiveAsNull()
    {
        var partial = Assignment(("lr", 0.5), ("model", 1), ("depth", 4), ("criterion", 0), ("units", 20), ("momentum", 0.9));

        var complete = Space.CompleteAssignment(partial);

        Assert.Equal(Space.Parameters.Count, complete.Count);
        Assert.Null(complete["svm.C"]);
        Assert.Null(complete["gamma"]);
        Assert.Equal(4, complete["depth"]);
        Assert.Equal("""{"lr":0.5,"model":{"type":"tree","depth":4,"criterion":"gini"},"layers":[20,3,null,"x",true],"momentum":0.9}""", Space.Evaluate(complete).GetRawText());
    }

    [Fact]
    public void CompleteAssignment_ActiveLabelMissing_ThrowsNamingLabel()
    {
        var partial = Assignment(("lr", 0.5), ("model", 1), ("criterion", 0), ("units", 20), ("momentum", 0.9));

        var error = Assert.Throws<ArgumentException>(() => Space.CompleteAssignment(partial));

        Assert.Contains("randint 'depth'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_DuplicateLabelInExclusiveBranches_ThrowsNamingLabelAndBothPlaces()
    {
        var structure = Hp.Choice("model", Hp.Uniform("lr", 0, 1), Hp.LogUniform("lr", -5, 0));

        var error = Assert.Throws<ArgumentException>(() => SearchSpace.Create(structure));

        Assert.Equal(
            "$.options[1]: label 'lr' is used by two different nodes (uniform 'lr' at $.options[0] and loguniform 'lr' here); labels must be unique across the whole space, exclusive choice options included",
            error.Message);
    }

    [Fact]
    public void Create_SameNodeTwice_IsOneParameterWithOneValue()
    {
        var lr = Hp.Uniform("lr", 0, 1);
        var space = SearchSpace.Create(new Dictionary<string, object?> { ["encoder"] = lr, ["decoder"] = lr });

        var evaluated = space.Evaluate(space.SamplePrior(new Random(1)));

        Assert.Single(space.Parameters);
        Assert.Equal(evaluated.GetProperty("encoder").GetDouble(), evaluated.GetProperty("decoder").GetDouble());
    }

    [Fact]
    public void Create_NodeBothConditionalAndUnconditional_IsAlwaysActive()
    {
        var lr = Hp.Uniform("lr", 0, 1);
        var space = SearchSpace.Create(new Dictionary<string, object?> { ["a"] = Hp.Choice("c", lr, "none"), ["b"] = lr });

        Assert.True(space.IsActive(space["lr"], Assignment(("c", 1))));
        Assert.NotNull(space.SamplePrior(new Random(2))["lr"]);
    }

    [Fact]
    public void Create_NodeInTwoOptions_IsActiveWhenEitherIsChosen()
    {
        var lr = Hp.Uniform("lr", 0, 1);
        var space = SearchSpace.Create(Hp.Choice("c", new object?[] { lr }, new object?[] { lr, 2 }, "none"));

        Assert.True(space.IsActive(space["lr"], Assignment(("c", 0))));
        Assert.True(space.IsActive(space["lr"], Assignment(("c", 1))));
        Assert.False(space.IsActive(space["lr"], Assignment(("c", 2))));
    }

    [Fact]
    public void Create_StructureContainsItself_ThrowsNamingPlace()
    {
        var options = new List<object?>();
        var inner = new Dictionary<string, object?> { ["options"] = options };
        options.Add(inner);

        var error = Assert.Throws<ArgumentException>(() => SearchSpace.Create(new Dictionary<string, object?> { ["root"] = inner }));

        Assert.Equal("$.root.options[0]: the structure contains itself (a cycle)", error.Message);
    }

    [Theory]
    [MemberData(nameof(UnsupportedValues))]
    public void Create_UnsupportedValue_ThrowsNamingPlace(object value, string expectedStart)
    {
        var error = Assert.Throws<ArgumentException>(() => SearchSpace.Create(new Dictionary<string, object?> { ["a"] = new object?[] { 1, value } }));

        Assert.StartsWith(expectedStart, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<object, string> UnsupportedValues => new()
    {
        { double.NaN, "$.a[1]: number NaN is not finite" },
        { float.PositiveInfinity, "$.a[1]: number Infinity is not finite" },
        { new Uri("http://example.com"), "$.a[1]: unsupported value of type Uri" },
        { new Dictionary<int, object?> { [1] = 2 }, "$.a[1]: dictionary key 1 is a Int32; keys must be strings" },
    };

    [Fact]
    public void Warnings_QuantizedLowOffGrid_NameTheLabel()
    {
        var space = SearchSpace.Create(new Dictionary<string, object?>
        {
            ["a"] = Hp.QUniform("a", 0.5, 10, 1),
            ["b"] = Hp.QUniform("b", 0, 10, 2),
            ["c"] = Hp.QLogUniform("c", 0, Math.Log(100), 10),
        });

        Assert.Equal(2, space.Warnings.Count);
        Assert.StartsWith("quniform 'a': low (0.5) is not a multiple of q (1), so values can fall below it", space.Warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("qloguniform 'c': exp(low) (1) is not a multiple of q (10), so values can fall below it", space.Warnings[1], StringComparison.Ordinal);
    }

    private const double RemoveMarker = -12345.678;

    private static Dictionary<string, double?> ValidSvmAssignment() => Assignment(
        ("lr", 0.01), ("model", 0), ("svm.C", 2.5), ("kernel", 1), ("gamma", 0.125),
        ("depth", null), ("criterion", null), ("units", 32), ("momentum", 0.91));

    private static Dictionary<string, double?> Assignment(params (string Label, double? Value)[] values) =>
        values.ToDictionary(v => v.Label, v => v.Value, StringComparer.Ordinal);

    private static List<string> SampleMany(SearchSpace space, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 100).Select(_ => JsonSerializer.Serialize(space.SamplePrior(random)) + space.Evaluate(space.SamplePrior(random)).GetRawText())];
    }
}
