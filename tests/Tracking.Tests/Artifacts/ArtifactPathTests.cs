using HyperQueue.Tracking.Artifacts;

namespace HyperQueue.Tracking.Tests.Artifacts;

public sealed class ArtifactPathTests
{
    [Theory]
    [InlineData("model.bin", "model.bin")]
    [InlineData("plots/loss.png", "plots/loss.png")]
    [InlineData("plots\\loss.png", "plots/loss.png")]
    [InlineData("./a//b/./c.txt", "a/b/c.txt")]
    [InlineData("it's a \"name\".txt", "it's a \"name\".txt")]
    public void Normalize_RelativeName_SlashSeparated(string name, string expected)
    {
        Assert.Equal(expected, ArtifactPath.Normalize(name));
    }

    [Theory]
    [InlineData("..", "'..'")]
    [InlineData("a/../../b", "'..'")]
    [InlineData("..\\b", "'..'")]
    [InlineData("/etc/passwd", "absolute")]
    [InlineData("\\\\server\\share", "absolute")]
    [InlineData("C:/x", "absolute")]
    [InlineData("", "empty")]
    [InlineData("./.", "names no file")]
    [InlineData("a\nb", "control character")]
    public void Normalize_UnsafeName_ArgumentExceptionNamingTheRule(string name, string rule)
    {
        var error = Assert.Throws<ArgumentException>(() => ArtifactPath.Normalize(name));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }
}
