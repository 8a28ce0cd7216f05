using System.Globalization;
using System.Text.Json;
using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Tests.Runs;

public sealed class ParamValueTests
{
    [Theory]
    [InlineData("7", "7")]
    [InlineData("7.0", "7")]
    [InlineData("-3", "-3")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e-5", "1E-05")]
    [InlineData("0.30000000000000004", "0.30000000000000004")]
    [InlineData("1e300", "1E+300")]
    [InlineData("\"adam\"", "adam")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("[1, 2]", "[1,2]")]
    public void Format_JsonValue_CanonicalText(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(expected, ParamValue.Format(document.RootElement));
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0 / 3.0)]
    [InlineData(5e-324)]
    [InlineData(1.7976931348623157e308)]
    public void Format_Double_ParsesBackToTheSameBits(double value)
    {
        var text = ParamValue.Format(value);

        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(double.Parse(text, CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Format_IntegralIntegerParameter_NoDecimalPoint()
    {
        Assert.Equal("7", ParamValue.Format(7L));
        Assert.Equal("7", ParamValue.Format(7.0));
    }

    [Fact]
    public void Flatten_NestedStructure_DottedKeysWithCanonicalValues()
    {
        using var document = JsonDocument.Parse("""{"model": {"kind": "svm", "C": 1.0}, "layers": [64, 0.5], "seed": 3}""");

        var pairs = ParamValue.Flatten(document.RootElement);

        Assert.Equal(
            [new("model.kind", "svm"), new("model.C", "1"), new("layers.0", "64"), new("layers.1", "0.5"), new("seed", "3")],
            pairs);
    }

    [Fact]
    public void Flatten_LiteralRoot_UsesTheRootKey()
    {
        using var document = JsonDocument.Parse("0.25");

        Assert.Equal([new KeyValuePair<string, string>("x", "0.25")], ParamValue.Flatten(document.RootElement, "x"));
    }
}
