using HyperQueue.Worker.Commands;

namespace HyperQueue.Worker.Tests.Commands;

public sealed class BoundedLineReaderTests
{
    [Theory]
    [InlineData("a\nb\n", new[] { "a", "b" })]
    [InlineData("a\r\nb\r\n", new[] { "a", "b" })]
    [InlineData("a\rb", new[] { "a", "b" })]
    [InlineData("a\n\nb", new[] { "a", "", "b" })]
    [InlineData("\r\n\r\n", new[] { "", "" })]
    [InlineData("", new string[0])]
    [InlineData("last without newline", new[] { "last without newline" })]
    public async Task ReadLineAsync_LineEnds_SplitAsTextReaderReadLineDoes(string text, string[] expected)
    {
        Assert.Equal(expected, await ReadAllAsync(text, maxLineLength: 100));
        Assert.Equal(expected, await ReadAllWithTextReaderAsync(text));
    }

    [Fact]
    public async Task ReadLineAsync_CarriageReturnAndLineFeedInSeparateReads_AreOneLineEnd()
    {
        // The reader reads 4,096 characters at a time: the "\r" is the last of the first read, the "\n" the first of the next.
        var first = new string('a', 4095);
        var text = first + "\r\nb\n";

        Assert.Equal([first, "b"], await ReadAllAsync(text, maxLineLength: 10_000));
    }

    [Fact]
    public async Task ReadLineAsync_LineLongerThanTheLimit_CutToTheLimitAndTheNextLineIsWhole()
    {
        var text = new string('x', 10_000) + "\nnext\n";
        var reader = new BoundedLineReader(new StringReader(text), 5_000);

        Assert.Equal(new OutputLine(new string('x', 5_000), IsCut: true), await reader.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.Equal(new OutputLine("next", IsCut: false), await reader.ReadLineAsync(TestContext.Current.CancellationToken));
        Assert.Null(await reader.ReadLineAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ReadLineAsync_LineOfExactlyTheLimit_IsNotCut()
    {
        var reader = new BoundedLineReader(new StringReader("abcd"), 4);

        Assert.Equal(new OutputLine("abcd", IsCut: false), await reader.ReadLineAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<string[]> ReadAllAsync(string text, int maxLineLength)
    {
        var reader = new BoundedLineReader(new StringReader(text), maxLineLength);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            Assert.False(line.IsCut);
            lines.Add(line.Text);
        }

        return [.. lines];
    }

    private static async Task<string[]> ReadAllWithTextReaderAsync(string text)
    {
        var reader = new StringReader(text);
        var lines = new List<string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            lines.Add(line);
        }

        return [.. lines];
    }
}
