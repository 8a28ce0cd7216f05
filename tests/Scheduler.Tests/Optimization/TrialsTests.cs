using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Tests.Optimization;

public sealed class TrialsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 16, 0, 0, 123, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void ToJsonFromJson_EveryKindOfValue_RoundTripsLosslessly()
    {
        var trials = new Trials();
        trials.Seed = 77;
        Complete(trials, ObjectiveResult.Ok(0.1 + 0.2) with { LossVariance = 1e-300, TrueLoss = -0.0 }, """{"model":{"type":"tree","depth":4},"lr":0.1}""", ("model", 1), ("depth", 4), ("C", null));
        Complete(trials, ObjectiveResult.Ok(double.PositiveInfinity), """{"n":9007199254740993}""", ("model", 0), ("depth", null), ("C", 1.0 / 3));
        Complete(trials, ObjectiveResult.Fail("diverged", "System.ArithmeticException"), """[1,2.5,null,"x"]""", ("model", 0), ("depth", null), ("C", double.Epsilon));
        Complete(trials, ObjectiveResult.Cancelled("fmin timeout (00:00:10) reached"), "null", ("model", 0), ("depth", null), ("C", 5));
        Complete(trials, ObjectiveResult.Ok(2) with { Attachments = new Dictionary<string, string> { ["log"] = "line 1\nline 2" } }, "{}", ("model", 1), ("depth", 1), ("C", null));
        trials.AddRunning(Guid.NewGuid(), Vals(("model", 1), ("depth", 2), ("C", null)), Parameters("{}"), Start.AddMinutes(9));

        var json = trials.ToJson();
        var loaded = Trials.FromJson(json);

        Assert.Equal(json, loaded.ToJson());
        Assert.Equal(trials.ExperimentId, loaded.ExperimentId);
        Assert.Equal(77, loaded.Seed);
        Assert.Equal(trials.Losses, loaded.Losses);
        Assert.Equal(trials.Statuses, loaded.Statuses);
        Assert.Equal(0.1 + 0.2, loaded.All[0].Loss);
        Assert.Equal(1e-300, loaded.All[0].LossVariance);
        Assert.True(double.IsNegative(loaded.All[0].TrueLoss!.Value));
        Assert.Equal(double.PositiveInfinity, loaded.All[1].Loss);
        Assert.Equal(1.0 / 3, loaded.All[1].Vals["C"]);
        Assert.Equal(double.Epsilon, loaded.All[2].Vals["C"]);
        Assert.Null(loaded.All[0].Vals["C"]);
        Assert.Equal("4", loaded.All[0].Parameters["model.depth"].GetRawText());
        Assert.Equal("9007199254740993", loaded.All[1].Parameters["n"].GetRawText());
        Assert.Equal(new TrialError("System.ArithmeticException", "diverged"), loaded.All[2].Error);
        Assert.Equal(JsonValueKind.Null, loaded.All[3].Parameters.Json.ValueKind);
        Assert.Equal("line 1\nline 2", loaded.All[4].Attachments["log"]);
        Assert.Equal(Start.AddMinutes(1), loaded.All[0].StartedAt);
        Assert.Equal(Start.AddMinutes(1).AddSeconds(1.5), loaded.All[0].EndedAt);
        Assert.Equal(TrialState.Running, loaded.All[5].State);
        Assert.Null(loaded.All[5].Status);
        Assert.Equal(trials.Completed.Select(trial => trial.Id), loaded.Completed.Select(trial => trial.Id));
    }

    [Fact]
    public async Task SaveAsyncLoadAsync_File_ReturnsTheSameTrials()
    {
        var trials = new Trials();
        Complete(trials, ObjectiveResult.Ok(0.5), """{"x":0.5}""", ("x", 0.5));
        var path = Path.Combine(Path.GetTempPath(), $"hq-trials-{Guid.NewGuid():N}.json");
        try
        {
            await trials.SaveAsync(path, Ct);
            var loaded = await Trials.LoadAsync(path, Ct);

            Assert.Equal(trials.ToJson(), loaded.ToJson());
            Assert.Equal([path], Directory.GetFiles(Path.GetDirectoryName(path)!, Path.GetFileName(path) + "*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"format":"other/1","trials":[]}""", "trials file: format 'other/1' is not supported, expected 'hyperqueue.trials/1'")]
    [InlineData("""{"format":"hyperqueue.trials/1","experimentId":"6f1c1d1e-0000-0000-0000-0000000000aa","trials":[{"number":0,"id":"6f1c1d1e-0000-0000-0000-000000000001","state":"completed","status":"ok","vals":{"x":1},"parameters":{},"startedAt":"2026-01-01T00:00:00+00:00"}]}""", "trials file: trials[0].loss (null) an ok trial needs a finite or +infinity loss")]
    [InlineData("""{"format":"hyperqueue.trials/1","experimentId":"6f1c1d1e-0000-0000-0000-0000000000aa","trials":[{"number":0,"id":"6f1c1d1e-0000-0000-0000-000000000001","state":"completed","vals":{"x":1},"parameters":{},"startedAt":"2026-01-01T00:00:00+00:00"}]}""", "trials file: trials[0].status (null) a completed trial needs a status")]
    [InlineData("""{"format":"hyperqueue.trials/1","experimentId":"6f1c1d1e-0000-0000-0000-0000000000aa","trials":[{"number":0,"id":"6f1c1d1e-0000-0000-0000-000000000001","state":"running","parameters":{},"startedAt":"2026-01-01T00:00:00+00:00"}]}""", "trials file: trials[0].vals (null) must be an object of label to number or null")]
    [InlineData("""{"format":"hyperqueue.trials/1","trials":[]}""", "trials file: experimentId is missing or empty, expected the experiment's id")]
    [InlineData("""{"format":"hyperqueue.trials/1","experimentId":"6f1c1d1e-0000-0000-0000-0000000000aa","trials":[{"number":-1,"id":"6f1c1d1e-0000-0000-0000-000000000001","state":"running","vals":{},"parameters":{},"startedAt":"2026-01-01T00:00:00+00:00"}]}""", "trials file: trials[0].number (-1) must be >= 0")]
    public void FromJson_Malformed_FailsNamingTheField(string json, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Trials.FromJson(json));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void FromJson_DuplicateNumbers_AreRejected()
    {
        var trials = new Trials();
        Complete(trials, ObjectiveResult.Ok(1), "{}", ("x", 1));
        var json = trials.ToJson();
        var duplicated = json.Replace("\"trials\": [", "\"trials\": [" + ExtractFirstTrial(json) + ",", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => Trials.FromJson(duplicated));

        Assert.Equal("trials file: trials[1].number (0) must be unique", error.Message);
    }

    [Fact]
    public void BestTrial_TieOnLoss_IsTheEarliestOkTrialAndIgnoresCancelledAndFailed()
    {
        var trials = new Trials();
        Complete(trials, ObjectiveResult.Fail("x"), "{}", ("x", 0));
        Complete(trials, ObjectiveResult.Ok(2), "{}", ("x", 1));
        Complete(trials, ObjectiveResult.Cancelled("stop"), "{}", ("x", 2));
        Complete(trials, ObjectiveResult.Ok(1), "{}", ("x", 3));
        Complete(trials, ObjectiveResult.Ok(1), "{}", ("x", 4));

        Assert.Equal(3, trials.BestTrial.Number);
        Assert.Equal(new Dictionary<string, double> { ["x"] = 3 }, trials.Argmin);
        Assert.Equal([null, 2.0, null, 1.0, 1.0], trials.Losses);
        Assert.Equal([TrialStatus.Fail, TrialStatus.Ok, TrialStatus.Cancelled, TrialStatus.Ok, TrialStatus.Ok], trials.Statuses);
        Assert.Equal("Total trials: 5: 3 succeeded, 1 failed, 1 cancelled", trials.Counts.ToString());
    }

    [Fact]
    public void BestTrial_OnlyRunningTrials_ThrowsAllTrialsFailed()
    {
        var trials = new Trials();
        trials.AddRunning(Guid.NewGuid(), Vals(("x", 1)), Parameters("{}"), Start);

        var error = Assert.Throws<AllTrialsFailedException>(() => trials.BestTrial);

        Assert.Equal("no trial finished with status ok (Total trials: 1: 0 succeeded, 0 failed, 0 cancelled), so there is no best trial", error.Message);
    }

    [Fact]
    public void Complete_SecondCompletionOfTheSameTrial_KeepsTheFirst()
    {
        var trials = new Trials();
        var running = trials.AddRunning(Guid.NewGuid(), Vals(("x", 1)), Parameters("{}"), Start);

        trials.Complete(running.Id, ObjectiveResult.Ok(1), Start.AddSeconds(1));
        var second = trials.Complete(running.Id, ObjectiveResult.Ok(0), Start.AddSeconds(2));

        Assert.Equal(1.0, second.Loss);
        Assert.Equal(1.0, trials[running.Id].Loss);
        Assert.Single(trials.Completed);
    }

    private static void Complete(Trials trials, ObjectiveResult result, string parameters, params (string Label, double? Value)[] vals)
    {
        var startedAt = Start.AddMinutes(trials.Count + 1);
        var running = trials.AddRunning(Guid.NewGuid(), Vals(vals), Parameters(parameters), startedAt);
        trials.Complete(running.Id, result, startedAt.AddSeconds(1.5));
    }

    private static Dictionary<string, double?> Vals(params (string Label, double? Value)[] vals) =>
        vals.ToDictionary(pair => pair.Label, pair => pair.Value, StringComparer.Ordinal);

    private static TrialParameters Parameters(string json)
    {
        using var document = JsonDocument.Parse(json);
        return new TrialParameters(document.RootElement.Clone());
    }

    private static string ExtractFirstTrial(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("trials")[0].GetRawText();
    }
}
