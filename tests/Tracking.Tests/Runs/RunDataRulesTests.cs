using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Tests.Runs;

public sealed class RunDataRulesTests
{
    [Fact]
    public void Value_UnpairedSurrogate_RejectedNamingKeyAndIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => RunDataRules.Value("tag", "note", "ab\ud800c", RunDataRules.MaxTagValueLength));

        Assert.Contains("'note'", error.Message, StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate at index 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Value_OverParamLimit_RejectedNamingLengthAndLimit()
    {
        var error = Assert.Throws<ArgumentException>(
            () => RunDataRules.Value("param", "blob", new string('x', 6001), RunDataRules.MaxParamValueLength));

        Assert.Contains("6001", error.Message, StringComparison.Ordinal);
        Assert.Contains("6000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x\0y", "contains U+0000 at index 1; the store cannot hold NUL characters")]
    [InlineData("", "must not be empty")]
    [InlineData("lr", null)]
    public void KeyProblem_IsTheRuleKeyApplies(string key, string? expected)
    {
        Assert.Equal(expected, RunDataRules.KeyProblem(key));
        Assert.Equal(expected, TrackingClient.ParamKeyProblem(key));
        if (expected is null)
        {
            RunDataRules.Key("param", key);
        }
        else
        {
            Assert.Contains(expected, Assert.Throws<ArgumentException>(() => RunDataRules.Key("param", key)).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void KeyProblem_And_ValueProblem_OverTheLimits_NameLengthAndLimit()
    {
        Assert.Equal("has 251 characters; the limit is 250 (MLflow's)", TrackingClient.ParamKeyProblem(new string('k', 251)));
        Assert.Null(TrackingClient.ParamKeyProblem(new string('k', 250)));
        Assert.Equal("has 6001 characters; the limit is 6000 (MLflow's)", TrackingClient.ParamValueProblem(new string('x', 6001)));
        Assert.Equal("contains U+0000 at index 0; the store cannot hold NUL characters", TrackingClient.ParamValueProblem("\0"));
        Assert.Null(TrackingClient.ParamValueProblem(new string('x', 6000)));
        Assert.Equal("contains an unpaired surrogate at index 1; text must be valid Unicode", TrackingClient.ParamKeyProblem("a\udc00"));
    }

    [Fact]
    public void Key_Nul_MessageUnchanged()
    {
        var error = Assert.Throws<ArgumentException>(() => RunDataRules.Key("param", "x\0y"));

        Assert.Equal("param 'key': x\0y contains U+0000 at index 1; the store cannot hold NUL characters", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Name_Blank_Rejected(string name)
    {
        Assert.Throws<ArgumentException>(() => RunDataRules.Name("experiment", name));
    }

    [Fact]
    public void ToStorableTagValue_NulSurrogateAndOverLong_CleanedAndCutBeforeAPair()
    {
        // 7999 'a' then an emoji (a surrogate pair at 7999-8000): cutting at 8000 would split it, so it is cut at 7999.
        var text = "\0" + new string('a', 7999) + "🚀" + "tail";

        var stored = RunDataRules.ToStorableTagValue(text);

        Assert.Equal(new string('a', 7999), stored);
        Assert.Equal("x\ufffdy", RunDataRules.ToStorableTagValue("x\udc00y"));
    }
}
