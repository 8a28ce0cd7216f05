using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Time.Testing;

namespace HyperQueue.Scheduler.Tests.Optimization;

public sealed class FMinTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MinimizeAsync_MaxEvals_RunsExactlyThatManyAndReturnsTheLowestLoss()
    {
        var calls = 0;
        var result = await FMin.MinimizeAsync(
            p => { calls++; return p.GetDouble("x"); },
            TestSpaces.Unit(),
            algo: Algo.Rand(),
            maxEvals: 10,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(10, calls);
        Assert.Equal(new TrialCounts(10, 10, 0, 0), result.Counts);
        Assert.Equal(StopReason.MaxEvals, result.StopReason);
        var losses = result.Trials.Losses;
        var lowest = losses.Min()!.Value;
        Assert.Equal(lowest, result.BestLoss);
        Assert.Equal(losses.ToList().IndexOf(lowest), result.BestTrial.Number);
        Assert.Equal(lowest, result.Argmin!["x"]);
        Assert.Equal(lowest, result.BestParameters!.GetDouble("x"));
        Assert.Equal(Enumerable.Range(0, 10), result.Trials.All.Select(trial => trial.Number));
    }

    [Fact]
    public async Task MinimizeAsync_SameTrialsWithLargerMaxEvals_RunsOnlyTheDifference()
    {
        var trials = new Trials();
        var calls = 0;
        double Objective(TrialParameters p)
        {
            calls++;
            return p.GetDouble("x");
        }

        await FMin.MinimizeAsync(Objective, TestSpaces.Unit(), Algo.Rand(), maxEvals: 5, trials: trials, seed: 3, showProgress: false, cancellationToken: Ct);
        await FMin.MinimizeAsync(Objective, TestSpaces.Unit(), Algo.Rand(), maxEvals: 8, trials: trials, seed: 3, showProgress: false, cancellationToken: Ct);
        var again = await FMin.MinimizeAsync(Objective, TestSpaces.Unit(), Algo.Rand(), maxEvals: 8, trials: trials, seed: 3, showProgress: false, cancellationToken: Ct);

        Assert.Equal(8, calls);
        Assert.Equal(8, trials.Count);
        Assert.Equal(StopReason.MaxEvals, again.StopReason);
    }

    [Fact]
    public async Task MinimizeAsync_FailuresCountTowardMaxEvals()
    {
        var calls = 0;
        var result = await FMin.MinimizeAsync(
            _ => ++calls % 2 == 0 ? ObjectiveResult.Fail("even call") : ObjectiveResult.Ok(calls),
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 6,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(6, calls);
        Assert.Equal(new TrialCounts(6, 3, 3, 0), result.Counts);
        Assert.Equal(1.0, result.BestLoss);
        Assert.Equal(0, result.BestTrial.Number);
    }

    [Fact]
    public async Task MinimizeAsync_ResumedFromFile_ContinuesExactlyAsAnUninterruptedRun()
    {
        // 14 trials cross TPE's 10 startup trials, so the resumed half is model-based, not only prior draws.
        var space = TestSpaces.NestedModel();
        var straight = await FMin.MinimizeAsync(
            TestSpaces.NestedModelLoss, space, Algo.Tpe(), maxEvals: 14, seed: 42, showProgress: false, cancellationToken: Ct);

        var path = Path.Combine(Path.GetTempPath(), $"hq-trials-{Guid.NewGuid():N}.json");
        try
        {
            var first = await FMin.MinimizeAsync(
                TestSpaces.NestedModelLoss, space, Algo.Tpe(), maxEvals: 7, seed: 42, showProgress: false, cancellationToken: Ct);
            await first.Trials.SaveAsync(path, Ct);
            var loaded = await Trials.LoadAsync(path, Ct);
            var resumed = await FMin.MinimizeAsync(
                TestSpaces.NestedModelLoss, space, Algo.Tpe(), maxEvals: 14, trials: loaded, showProgress: false, cancellationToken: Ct);

            Assert.Equal(42, resumed.Seed);
            Assert.Equal(straight.Trials.Losses, resumed.Trials.Losses);
            Assert.Equal(
                straight.Trials.All.Select(trial => trial.Vals.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList()),
                resumed.Trials.All.Select(trial => trial.Vals.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList()));
            Assert.Equal(straight.Argmin, resumed.Argmin);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task MinimizeAsync_PointsToEvaluateOnNestedChoice_EvaluatesThemAsGivenAndReportsArgminAndBestParameters()
    {
        IReadOnlyList<IReadOnlyDictionary<string, double?>> points =
        [
            new Dictionary<string, double?> { ["model"] = 0, ["C"] = 3.5, ["lr"] = 0.1 },
            new Dictionary<string, double?> { ["model"] = 1, ["depth"] = 2, ["lr"] = 0.5 },
        ];

        var result = await FMin.MinimizeAsync(
            TestSpaces.NestedModelLoss,
            TestSpaces.NestedModel(),
            Algo.Rand(),
            maxEvals: 2,
            pointsToEvaluate: points,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal([0.35, 0.2], result.Trials.Losses);
        Assert.Equal(1, result.BestTrial.Number);
        Assert.Equal(0.2, result.BestLoss);
        Assert.Equal(
            new Dictionary<string, double> { ["model"] = 1, ["depth"] = 2, ["lr"] = 0.5 },
            result.Argmin);
        Assert.Equal("tree", result.BestParameters!.GetString("model.type"));
        Assert.Equal("2", result.BestParameters["model.depth"].GetRawText());
        Assert.Equal(0.5, result.BestParameters.GetDouble("lr"));
        Assert.False(result.BestParameters.TryGet("model.C", out _));
        Assert.Null(result.Trials.All[0].Vals["depth"]);
        Assert.Null(result.Trials.All[1].Vals["C"]);
    }

    [Fact]
    public async Task MinimizeAsync_PointsToEvaluateWithTrialsPassedIn_AreEvaluatedAfterTheHistoryAndCountTowardMaxEvals()
    {
        var space = TestSpaces.NestedModel();
        var trials = new Trials();
        await FMin.MinimizeAsync(TestSpaces.NestedModelLoss, space, Algo.Rand(), maxEvals: 3, trials: trials, seed: 5, showProgress: false, cancellationToken: Ct);

        var result = await FMin.MinimizeAsync(
            TestSpaces.NestedModelLoss,
            space,
            Algo.Rand(),
            maxEvals: 6,
            trials: trials,
            pointsToEvaluate: [new Dictionary<string, double?> { ["model"] = 1, ["depth"] = 1, ["lr"] = 0.05 }],
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(6, trials.Count);
        var point = trials.All[3];
        Assert.Equal(1.0, point.Vals["model"]);
        Assert.Equal(1.0, point.Vals["depth"]);
        Assert.Equal(0.1, point.Loss);
        Assert.Equal(0.1, result.BestLoss);
        Assert.Equal(3, result.BestTrial.Number);
    }

    [Fact]
    public async Task MinimizeAsync_PointsToEvaluateAlreadyInTheTrials_AreNotEvaluatedAgain()
    {
        var space = TestSpaces.NestedModel();
        IReadOnlyList<IReadOnlyDictionary<string, double?>> points = [new Dictionary<string, double?> { ["model"] = 0, ["C"] = 1, ["lr"] = 0.2 }];
        var trials = new Trials();
        await FMin.MinimizeAsync(TestSpaces.NestedModelLoss, space, Algo.Rand(), maxEvals: 2, trials: trials, seed: 5, pointsToEvaluate: points, showProgress: false, cancellationToken: Ct);
        await FMin.MinimizeAsync(TestSpaces.NestedModelLoss, space, Algo.Rand(), maxEvals: 4, trials: trials, seed: 5, pointsToEvaluate: points, showProgress: false, cancellationToken: Ct);

        Assert.Equal(4, trials.Count);
        Assert.Single(trials.All, trial => trial.Vals["C"] == 1.0);
    }

    [Fact]
    public async Task MinimizeAsync_PointWithOutOfRangeChoiceIndex_IsRejectedBeforeAnythingRunsNamingTheLabel()
    {
        var trials = new Trials();
        var calls = 0;

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => FMin.MinimizeAsync(
            p => { calls++; return 0.0; },
            TestSpaces.NestedModel(),
            Algo.Rand(),
            maxEvals: 5,
            trials: trials,
            pointsToEvaluate:
            [
                new Dictionary<string, double?> { ["model"] = 0, ["C"] = 1, ["lr"] = 0.2 },
                new Dictionary<string, double?> { ["model"] = 2, ["lr"] = 0.2 },
            ],
            showProgress: false,
            cancellationToken: Ct));

        Assert.StartsWith("pointsToEvaluate[1]: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("'model'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, calls);
        Assert.Equal(0, trials.Count);
    }

    [Fact]
    public async Task MinimizeAsync_TrialsFromAnotherSpace_AreRejectedUpFront()
    {
        var trials = new Trials();
        await FMin.MinimizeAsync(p => p.GetDouble("x"), TestSpaces.Unit(), Algo.Rand(), maxEvals: 1, trials: trials, seed: 1, showProgress: false, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => FMin.MinimizeAsync(
            TestSpaces.NestedModelLoss, TestSpaces.NestedModel(), Algo.Rand(), maxEvals: 3, trials: trials, showProgress: false, cancellationToken: Ct));

        Assert.Equal(
            "trials: trial 0 does not match the space (labels not in the trial: [C, depth, lr, model]; labels not in the space: [x]); resume with the space the trials were run on",
            error.Message);
        Assert.Equal(1, trials.Count);
    }

    [Fact]
    public async Task MinimizeAsync_TimeoutWithSlowObjective_StartsNoTrialAfterTheDeadlineAndCancelsTheRunningOne()
    {
        // Each trial takes 4 s of fake time and the timeout is 10 s: trials start at 0, 4 and 8 s; the third is
        // still running at 10 s, so its token is cancelled then, and no fourth trial starts.
        var time = new FakeTimeProvider();
        var startedAt = time.GetUtcNow();
        var trials = new Trials();
        double[] wouldBeLosses = [3, 2, 1];
        var calls = 0;

        var result = await FMin.MinimizeAsync(
            (_, cancellationToken) =>
            {
                var number = calls++;
                time.Advance(TimeSpan.FromSeconds(4));
                cancellationToken.ThrowIfCancellationRequested();
                return Task.FromResult(ObjectiveResult.Ok(wouldBeLosses[number]));
            },
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 100,
            trials: trials,
            timeout: TimeSpan.FromSeconds(10),
            seed: 1,
            showProgress: false,
            timeProvider: time,
            cancellationToken: Ct);

        Assert.Equal(StopReason.Timeout, result.StopReason);
        Assert.Equal(3, calls);
        Assert.Equal(new TrialCounts(3, 2, 0, 1), result.Counts);
        Assert.Equal(
            [startedAt, startedAt.AddSeconds(4), startedAt.AddSeconds(8)],
            trials.All.Select(trial => trial.StartedAt));
        Assert.All(trials.All, trial => Assert.True(trial.StartedAt < startedAt.AddSeconds(10)));
        var cancelled = trials.All[2];
        Assert.Equal(TrialStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.Loss);
        Assert.Equal(new TrialError("cancelled", "fmin timeout (00:00:10) reached"), cancelled.Error);
        Assert.Equal(1, result.BestTrial.Number);
        Assert.Equal(2.0, result.BestLoss);
    }

    [Fact]
    public async Task MinimizeAsync_RealTimeoutWithObjectiveThatWaitsForever_RecordsItCancelledAndThrowsAllTrialsFailed()
    {
        var trials = new Trials();

        await Assert.ThrowsAsync<AllTrialsFailedException>(() => FMin.MinimizeAsync(
            async (_, cancellationToken) =>
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return ObjectiveResult.Ok(0);
            },
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 10,
            trials: trials,
            timeout: TimeSpan.FromMilliseconds(200),
            seed: 1,
            showProgress: false,
            cancellationToken: Ct));

        var trial = Assert.Single(trials.All);
        Assert.Equal(TrialStatus.Cancelled, trial.Status);
        Assert.Equal(TrialState.Completed, trial.State);
    }

    [Fact]
    public async Task MinimizeAsync_LossThreshold_StopsOnTheFirstTrialAtOrBelowIt()
    {
        double[] losses = [5, 4, 3, 2, 1];
        var calls = 0;

        var result = await FMin.MinimizeAsync(
            _ => losses[calls++], TestSpaces.Unit(), Algo.Rand(), maxEvals: 5, lossThreshold: 3, seed: 1, showProgress: false, cancellationToken: Ct);

        Assert.Equal(StopReason.LossThreshold, result.StopReason);
        Assert.Equal(3, calls);
        Assert.Equal(3.0, result.BestLoss);
        Assert.Equal(2, result.BestTrial.Number);
    }

    [Fact]
    public async Task MinimizeAsync_ResumedAfterReachingTheLossThreshold_StartsNoTrial()
    {
        var trials = new Trials();
        var calls = 0;
        double Objective(TrialParameters p)
        {
            calls++;
            return 0.0;
        }

        await FMin.MinimizeAsync(Objective, TestSpaces.Unit(), Algo.Rand(), maxEvals: 5, trials: trials, lossThreshold: 0, seed: 1, showProgress: false, cancellationToken: Ct);
        var resumed = await FMin.MinimizeAsync(Objective, TestSpaces.Unit(), Algo.Rand(), maxEvals: 10, trials: trials, lossThreshold: 0, showProgress: false, cancellationToken: Ct);

        Assert.Equal(StopReason.LossThreshold, resumed.StopReason);
        Assert.Equal(1, calls);
        Assert.Equal(1, trials.Count);
    }

    [Fact]
    public async Task MinimizeAsync_NoProgressEarlyStop_CountsLikeHyperoptSkippingFailedAndNaNTrials()
    {
        // no_progress_loss(3): the first ok trial counts 1, trial 1 improves (reset to 0), the failed and NaN
        // trials are skipped, then 6, 7 and 8 do not improve on 4: counts 1, 2, 3, so fmin stops after trial 6.
        ObjectiveResult[] results = [5, 4, ObjectiveResult.Fail("diverged"), double.NaN, 6, 7, 8, 0, 0];
        var calls = 0;

        var result = await FMin.MinimizeAsync(
            _ => results[calls++],
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 9,
            earlyStop: EarlyStop.NoProgressLoss(iterationStopCount: 3),
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(StopReason.EarlyStop, result.StopReason);
        Assert.Equal(7, calls);
        Assert.Equal(new TrialCounts(7, 5, 2, 0), result.Counts);
        Assert.Equal(4.0, result.BestLoss);
    }

    [Fact]
    public async Task MinimizeAsync_EarlyStopFunction_SeesOnlyCompletedTrials()
    {
        var seen = new List<IReadOnlyList<TrialRecord>>();
        var result = await FMin.MinimizeAsync(
            p => p.GetDouble("x"),
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 20,
            maxQueueLen: 3,
            earlyStop: completed =>
            {
                seen.Add(completed);
                return completed.Count == 4;
            },
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(StopReason.EarlyStop, result.StopReason);
        Assert.Equal([1, 2, 3, 4], seen.Select(completed => completed.Count));
        Assert.All(seen.SelectMany(completed => completed), trial => Assert.Equal(TrialState.Completed, trial.State));
        Assert.All(result.Trials.All, trial => Assert.Equal(TrialState.Completed, trial.State));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MinimizeAsync_AllTrialsFailed_ThrowsWhateverReturnArgminSays(bool returnArgmin)
    {
        var trials = new Trials();

        await Assert.ThrowsAsync<AllTrialsFailedException>(() => FMin.MinimizeAsync(
            _ => double.NaN, TestSpaces.Unit(), Algo.Rand(), maxEvals: 3, trials: trials, seed: 1, returnArgmin: returnArgmin, showProgress: false, cancellationToken: Ct));

        Assert.Equal(new TrialCounts(3, 0, 3, 0), trials.Counts);
        Assert.Throws<AllTrialsFailedException>(() => trials.BestTrial);
        Assert.Throws<AllTrialsFailedException>(() => trials.Argmin);
    }

    [Fact]
    public async Task MinimizeAsync_ReturnArgminFalse_LeavesArgminAndBestParametersNull()
    {
        var result = await FMin.MinimizeAsync(
            p => p.GetDouble("x"), TestSpaces.Unit(), Algo.Rand(), maxEvals: 2, seed: 1, returnArgmin: false, showProgress: false, cancellationToken: Ct);

        Assert.Null(result.Argmin);
        Assert.Null(result.BestParameters);
        Assert.Equal(result.Trials.Losses.Min(), result.BestLoss);
    }

    [Fact]
    public async Task MinimizeAsync_NaNFirstLoss_IsAFailedTrialWithTheReasonAndTheNextOkTrialIsBest()
    {
        double[] losses = [double.NaN, 0.5, 0.7];
        var calls = 0;

        var result = await FMin.MinimizeAsync(
            _ => losses[calls++], TestSpaces.Unit(), Algo.Rand(), maxEvals: 3, seed: 1, showProgress: false, cancellationToken: Ct);

        var first = result.Trials.All[0];
        Assert.Equal(TrialStatus.Fail, first.Status);
        Assert.Null(first.Loss);
        Assert.Equal(new TrialError("invalid_result", "loss is NaN"), first.Error);
        Assert.Equal(1, result.BestTrial.Number);
        Assert.Equal(0.5, result.BestLoss);
        Assert.Equal([null, 0.5, 0.7], result.Trials.Losses);
    }

    [Fact]
    public async Task MinimizeAsync_OkResultWithoutLoss_IsAFailedTrialThatSaysSo()
    {
        var calls = 0;
        var result = await FMin.MinimizeAsync(
            _ => calls++ == 0 ? new ObjectiveResult { Status = TrialStatus.Ok } : ObjectiveResult.Ok(1),
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 2,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(new TrialError("invalid_result", "status ok requires a loss, and none was given"), result.Trials.All[0].Error);
        Assert.Equal(TrialStatus.Fail, result.Trials.All[0].Status);
    }

    [Fact]
    public async Task MinimizeAsync_ResultDictionary_KeepsVarianceTrueLossAndAttachments()
    {
        var result = await FMin.MinimizeAsync(
            _ => new ObjectiveResult
            {
                Loss = 0.25,
                LossVariance = 0.01,
                TrueLoss = 0.3,
                Attachments = new Dictionary<string, string> { ["log"] = "epoch 1" },
            },
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 1,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        var trial = result.BestTrial;
        Assert.Equal(0.25, trial.Loss);
        Assert.Equal(0.01, trial.LossVariance);
        Assert.Equal(0.3, trial.TrueLoss);
        Assert.Equal("epoch 1", trial.Attachments["log"]);
        Assert.Null(trial.Error);
    }

    [Fact]
    public async Task MinimizeAsync_FailWithoutLoss_IsAFailedTrialKeepingItsReason()
    {
        var calls = 0;
        var result = await FMin.MinimizeAsync(
            _ => calls++ == 0 ? ObjectiveResult.Fail("out of memory") : ObjectiveResult.Ok(2),
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 2,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(new TrialError("fail", "out of memory"), result.Trials.All[0].Error);
        Assert.Equal(new TrialCounts(2, 1, 1, 0), result.Counts);
    }

    [Fact]
    public async Task MinimizeAsync_ObjectiveThrows_RecordsAFailedTrialWithTypeAndMessageAndContinues()
    {
        var calls = 0;
        var result = await FMin.MinimizeAsync(
            _ => calls++ == 1 ? throw new InvalidOperationException("boom") : 1.0,
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 3,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(new TrialError("System.InvalidOperationException", "boom"), result.Trials.All[1].Error);
        Assert.Equal(new TrialCounts(3, 2, 1, 0), result.Counts);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task MinimizeAsync_ObjectiveThrowsWithCatchEvalExceptionsFalse_RecordsTheTrialThenRethrows()
    {
        var trials = new Trials();
        var calls = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FMin.MinimizeAsync(
            _ => calls++ == 1 ? throw new InvalidOperationException("boom") : 1.0,
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 5,
            trials: trials,
            seed: 1,
            catchEvalExceptions: false,
            showProgress: false,
            cancellationToken: Ct));

        Assert.Equal("boom", error.Message);
        Assert.Equal(2, calls);
        Assert.Equal(new TrialCounts(2, 1, 1, 0), trials.Counts);
        Assert.Equal(new TrialError("System.InvalidOperationException", "boom"), trials.All[1].Error);
    }

    [Fact]
    public async Task MinimizeAsync_IObjective_ReceivesTheTrialContext()
    {
        var objective = new RecordingObjective();
        var trials = new Trials();

        await FMin.MinimizeAsync(objective, TestSpaces.Unit(), Algo.Rand(), maxEvals: 3, trials: trials, seed: 1, showProgress: false, cancellationToken: Ct);

        Assert.Equal([0, 1, 2], objective.Contexts.Select(context => context.TrialNumber));
        Assert.All(objective.Contexts, context => Assert.Equal(trials.ExperimentId, context.ExperimentId));
        Assert.Equal(trials.All.Select(trial => trial.Id), objective.Contexts.Select(context => context.TrialId));
    }

    [Fact]
    public async Task Minimize_SyncForm_ReturnsTheSameResultAsTheAsyncFormForTheSameSeed()
    {
        var sync = FMin.Minimize(p => p.GetDouble("x"), TestSpaces.Unit(), Algo.Tpe(), maxEvals: 12, seed: 9, showProgress: false, cancellationToken: Ct);
        var asynchronous = await FMin.MinimizeAsync(
            (p, _) => Task.FromResult(ObjectiveResult.Ok(p.GetDouble("x"))),
            TestSpaces.Unit(),
            Algo.Tpe(),
            maxEvals: 12,
            seed: 9,
            showProgress: false,
            cancellationToken: Ct);

        Assert.Equal(sync.Trials.Losses, asynchronous.Trials.Losses);
        Assert.Equal(sync.BestLoss, asynchronous.BestLoss);
    }

    [Fact]
    public async Task MinimizeAsync_CallerCancels_RecordsTheRunningTrialCancelledAndThrows()
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var trials = new Trials();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FMin.MinimizeAsync(
            async (_, cancellationToken) =>
            {
                await cancellation.CancelAsync();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return ObjectiveResult.Ok(0);
            },
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 5,
            trials: trials,
            seed: 1,
            showProgress: false,
            cancellationToken: cancellation.Token));

        var trial = Assert.Single(trials.All);
        Assert.Equal(new TrialError("cancelled", "fmin was cancelled by its caller"), trial.Error);
    }

    [Fact]
    public async Task MinimizeAsync_SameTrialsInTwoConcurrentCalls_RejectsTheSecond()
    {
        var trials = new Trials();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = FMin.MinimizeAsync(
            async (_, cancellationToken) =>
            {
                firstStarted.TrySetResult();
                await releaseFirst.Task.WaitAsync(cancellationToken);
                return ObjectiveResult.Ok(1);
            },
            TestSpaces.Unit(),
            Algo.Rand(),
            maxEvals: 1,
            trials: trials,
            seed: 1,
            showProgress: false,
            cancellationToken: Ct);
        await firstStarted.Task.WaitAsync(Ct);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => FMin.MinimizeAsync(
            p => 0.0, TestSpaces.Unit(), Algo.Rand(), maxEvals: 2, trials: trials, showProgress: false, cancellationToken: Ct));
        releaseFirst.SetResult();
        var result = await first;

        Assert.Equal(
            $"trials: experiment {trials.ExperimentId} is already being run by another fmin call; use one store per concurrent call",
            error.Message);
        Assert.Equal(new TrialCounts(1, 1, 0, 0), result.Counts);
    }

    [Theory]
    [InlineData(0, null, "fmin maxQueueLen (0) must be >= 1")]
    [InlineData(1, -1, "fmin maxEvals (-1) must be >= 0")]
    public async Task MinimizeAsync_InvalidArgument_FailsNamingItsValueAndRule(int maxQueueLen, int? maxEvals, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FMin.MinimizeAsync(
            p => 0.0, TestSpaces.Unit(), Algo.Rand(), maxEvals: maxEvals ?? 1, maxQueueLen: maxQueueLen, showProgress: false, cancellationToken: Ct));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MinimizeAsync_NoStopCondition_IsRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => FMin.MinimizeAsync(
            p => 0.0, TestSpaces.Unit(), Algo.Rand(), showProgress: false, cancellationToken: Ct));

        Assert.Equal("fmin needs a way to stop: give maxEvals, timeout, lossThreshold or earlyStop", error.Message);
    }

    private sealed class RecordingObjective : IObjective
    {
        public List<ObjectiveContext> Contexts { get; } = [];

        public Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken)
        {
            Contexts.Add(context);
            return Task.FromResult(ObjectiveResult.Ok(context.Parameters.GetDouble("x")));
        }
    }
}
