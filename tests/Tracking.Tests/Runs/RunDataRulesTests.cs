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
