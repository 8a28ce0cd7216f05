using System.Text;
using System.Text.Json;
using HyperQueue.Worker.Commands;

namespace HyperQueue.Worker.Tests.Commands;

public sealed class JsonUnicodeTests
{
    [Theory]
    [InlineData("""
        "a\ud800b"
        """, 0xd800)]
    [InlineData("""
        "\udc00"
        """, 0xdc00)]
    [InlineData("""
        "\ud800\u0041"
        """, 0xd800)]
    [InlineData("""
        "\ud800\ud800\udc00"
        """, 0xd800)]
    [InlineData("""
        "\ud800\n"
        """, 0xd800)]
    [InlineData("""
        "\uDBFF"
        """, 0xdbff)]
    [InlineData("""
        "ends in a high half \ud83d"
        """, 0xd83d)]
    [InlineData("""
        "\ud83d\ude00 a pair"
        """, null)]
    [InlineData("""
        "\\ud800 is an escaped backslash and text"
        """, null)]
    [InlineData("""
        "\\\ud83d\ude00"
        """, null)]
    [InlineData("""
        "no escapes at all"
        """, null)]
    public void LoneSurrogate_RawJsonString_FindsTheFirstUnpairedHalf(string raw, int? expected)
    {
        Assert.Equal(expected, JsonUnicode.LoneSurrogate(Encoding.UTF8.GetBytes(raw)));
        // The reader agrees: it throws on exactly those strings.
        using var document = JsonDocument.Parse(raw);
        if (expected is null)
        {
            Assert.NotNull(document.RootElement.GetString());
        }
        else
        {
            Assert.Throws<InvalidOperationException>(() => document.RootElement.GetString());
        }
    }

    [Fact]
    public void FindLoneSurrogate_Document_NamesTheFirstStringOrMemberNameInDocumentOrder()
    {
        using var document = JsonDocument.Parse("""{"a": ["ok", {"b\udc00": 1}], "c": "\ud800"}""");

        var found = JsonUnicode.FindLoneSurrogate(document.RootElement, "$", (path, name) => $"{path}.{name}");

        Assert.Equal(("$.a[1].b\\udc00", "the member name must be valid Unicode text (lone surrogate \\udc00)"), found);
    }
}
