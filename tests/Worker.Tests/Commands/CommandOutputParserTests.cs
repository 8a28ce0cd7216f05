using HyperQueue.Contracts;
using HyperQueue.Worker.Commands;

namespace HyperQueue.Worker.Tests.Commands;

public sealed class CommandOutputParserTests
{
    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData(" -3e2 ", -300.0)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    [InlineData("""{"loss": 1.5}""", 1.5)]
    [InlineData("""{"loss": 2, "status": "ok"}""", 2.0)]
    [InlineData("""{"loss": "Infinity", "status": "ok"}""", double.PositiveInfinity)]
    public void ParseResult_NumberOrOkObject_GivesOkWithLoss(string line, double loss)
    {
        var result = CommandOutputParser.ParseResult(line, "obj");

        Assert.Equal(TrialStatus.Ok, result.Status);
        Assert.Equal(loss, result.Loss);
    }

    [Fact]
    public void ParseResult_FailObject_KeepsTheErrorText()
    {
        var result = CommandOutputParser.ParseResult("""{"status": "fail", "error": "out of memory"}""", "obj");

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Null(result.Loss);
        Assert.Equal(new TrialError("fail", "out of memory"), result.Error);
    }

    [Fact]
    public void ParseResult_NanLoss_FailsOnceNormalized()
    {
        var result = CommandOutputParser.ParseResult("nan", "obj").Normalize();

        Assert.Equal(new TrialError("invalid_result", "loss is NaN"), result.Error);
    }

    [Theory]
    [InlineData(null, "command objective 'obj' printed nothing on stdout; its last non-empty line must be the result (a number or a JSON object with 'loss' and 'status')")]
    [InlineData("done", "command objective 'obj': the last stdout line 'done' is neither a number nor a JSON result object")]
    [InlineData("""{"loss": 1,""", "command objective 'obj': the last stdout line '{\"loss\": 1,' is not valid JSON")]
    [InlineData("""{"loss": 1, "status": "maybe"}""", "command objective 'obj': result '{\"loss\": 1, \"status\": \"maybe\"}': 'status' (\"maybe\") must be \"ok\" or \"fail\"")]
    [InlineData("""{"loss": [1]}""", "command objective 'obj': result '{\"loss\": [1]}': 'loss', 'loss_variance' and 'true_loss' must be numbers or null")]
    [InlineData("""{"loss": 1, "attachments": [1]}""", "command objective 'obj': result '{\"loss\": 1, \"attachments\": [1]}': 'attachments' must be an object of name to value")]
    public void ParseResult_Malformed_FailsWithAReasonQuotingTheLine(string? line, string reasonStart)
    {
        var result = CommandOutputParser.ParseResult(line, "obj");

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal("invalid_result", result.Error!.Type);
        Assert.StartsWith(reasonStart, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseMetric_WellFormedLine_GivesKeyValueAndStep()
    {
        Assert.True(CommandOutputParser.TryParseMetric("""{"metric": "acc", "value": 0.75, "step": 12}""", out var metric, out var error));

        Assert.Null(error);
        Assert.Equal(new CommandMetric("acc", 0.75, 12), metric);
    }

    [Theory]
    [InlineData("""{"metric": "acc"}""", "'value' must be a number")]
    [InlineData("""{"metric": "", "value": 1}""", "'metric' must be a non-empty string")]
    [InlineData("""{"metric": "acc", "value": 1, "step": 1.5}""", "'step' must be an integer")]
    public void TryParseMetric_MalformedMetricLine_IsAMetricLineWithAnError(string line, string rule)
    {
        Assert.True(CommandOutputParser.TryParseMetric(line, out var metric, out var error));

        Assert.Null(metric);
        Assert.EndsWith(rule, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("""{"loss": 1}""")]
    [InlineData("""{"metric": 1""")]
    public void TryParseMetric_OtherLines_AreNotMetricLines(string line)
    {
        Assert.False(CommandOutputParser.TryParseMetric(line, out _, out _));
    }
}
