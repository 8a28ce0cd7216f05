using System.Text;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Export;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Tracking.Tests.Export;

public sealed class TrialExportTests
{
    internal static TrialRecord Trial(int number, TrialStatus? status, double? loss, string parameters)
    {
        using var document = JsonDocument.Parse(parameters);
        return new TrialRecord
        {
            TrialId = Guid.NewGuid(),
            ExperimentId = "e",
            RunId = $"r{number}",
            ParentRunId = "p",
            Number = number,
            State = status is null ? TrialState.Running : TrialState.Done,
            Status = status,
            Loss = loss,
            Parameters = document.RootElement.Clone(),
        };
    }

    [Fact]
    public async Task WriteCsvAsync_MixedTrials_HeaderThenOneQuotedRowPerTrial()
    {
        var trials = new[]
        {
            Trial(0, TrialStatus.Ok, 0.5, """{"lr": 0.1, "model": {"kind": "svm, linear"}}"""),
            Trial(1, TrialStatus.Fail, null, """{"lr": 1e-05, "depth": 7.0}"""),
            Trial(2, null, null, """{"lr": 0.3, "note": "say \"hi\""}"""),
        };
        await using var writer = new StringWriter();

        await TrialExport.WriteCsvAsync(trials, writer, TestContext.Current.CancellationToken);

        Assert.Equal(
            "number,status,loss,run_id,parent_run_id,lr,model.kind,depth,note\r\n"
            + "0,ok,0.5,r0,p,0.1,\"svm, linear\",,\r\n"
            + "1,fail,,r1,p,1E-05,,7,\r\n"
            + "2,,,r2,p,0.3,,,\"say \"\"hi\"\"\"\r\n",
            writer.ToString());
    }

    [Fact]
    public async Task WriteCsvAsync_ParameterNamedLikeAFixedColumn_IsHeadedAsAParameter()
    {
        // The built-in sleep objective's own parameters: "seconds" and "loss".
        var trials = new[] { Trial(0, TrialStatus.Ok, 0.25, """{"seconds": 2, "loss": 0.75, "status": "x"}""") };
        await using var writer = new StringWriter();

        await TrialExport.WriteCsvAsync(trials, writer, TestContext.Current.CancellationToken);

        Assert.Equal("number,status,loss,run_id,parent_run_id,seconds,params.loss,params.status\r\n0,ok,0.25,r0,p,2,0.75,x\r\n", writer.ToString());
    }

    [Fact]
    public async Task WriteJsonAsync_InfiniteLossAndRunningTrial_ValidJsonWithParamsAsStored()
    {
        var trials = new[]
        {
            Trial(0, TrialStatus.Ok, double.PositiveInfinity, """{"c": [1, "a"]}"""),
            Trial(1, null, null, """{"c": [2, "b"]}"""),
        };
        using var stream = new MemoryStream();

        await TrialExport.WriteJsonAsync(trials, stream, TestContext.Current.CancellationToken);

        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        var rows = document.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("Infinity", rows[0].GetProperty("loss").GetString());
        Assert.Equal("ok", rows[0].GetProperty("status").GetString());
        Assert.Equal("""[1,"a"]""", JsonSerializer.Serialize(rows[0].GetProperty("params").GetProperty("c")));
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("status").ValueKind);
        Assert.Equal(1, rows[1].GetProperty("number").GetInt32());
        Assert.Equal("r1", rows[1].GetProperty("run_id").GetString());
        Assert.Equal("p", rows[1].GetProperty("parent_run_id").GetString());
    }

    [Fact]
    public async Task WriteCsvAsync_TwoFminCallsInOneExperiment_TrialsOfTheSameNumberToldApartByParentRun()
    {
        var trials = new[]
        {
            Trial(0, TrialStatus.Ok, 0.5, """{"x": 1}""") with { ParentRunId = "first" },
            Trial(0, TrialStatus.Ok, 0.25, """{"x": 2}""") with { RunId = "r0b", ParentRunId = "second" },
        };
        await using var writer = new StringWriter();

        await TrialExport.WriteCsvAsync(trials, writer, TestContext.Current.CancellationToken);

        Assert.Equal("number,status,loss,run_id,parent_run_id,x\r\n0,ok,0.5,r0,first,1\r\n0,ok,0.25,r0b,second,2\r\n", writer.ToString());
    }
}
