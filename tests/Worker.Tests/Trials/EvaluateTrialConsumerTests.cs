using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Worker.Tests.Trials;

public sealed class EvaluateTrialConsumerTests
{
    public sealed class NeedsUnregisteredService(IComparer<Version> notRegistered) : IObjective
    {
        public Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken) =>
            Task.FromResult<ObjectiveResult>(notRegistered.Compare(null, null));
    }

    [Fact]
    public async Task Consume_ObjectiveCannotBeCreated_AnswersFailNamingTheObjectiveAndTheCause()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker.AddObjective<NeedsUnregisteredService>("needy"));
        var message = await harness.CreateTrialAsync("needy");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal("objective_unavailable", completed.Error!.Type);
        Assert.StartsWith("objective 'needy' could not be created on worker 'worker-under-test': ", completed.Error.Message, StringComparison.Ordinal);
        Assert.Contains("IComparer", completed.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consume_ObjectiveReturnsLoss_AnswersStartedThenOkWithLossAndWorker()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("square", (context, _) => Task.FromResult<ObjectiveResult>(Math.Pow(context.Parameters.GetDouble("x"), 2))));
        var message = await harness.CreateTrialAsync("square");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(6.25, completed.Loss);
        Assert.Equal(message.TrialId, completed.TrialId);
        Assert.Equal(message.ExperimentId, completed.ExperimentId);
        Assert.Equal("worker-under-test", completed.WorkerId);
        Assert.Equal(2, completed.Attempt);
        Assert.Null(completed.Error);
        var started = Assert.IsType<TrialStarted>(Assert.Single(harness.DrainAnswers()));
        Assert.Equal(message.TrialId, started.TrialId);
        Assert.Equal(2, started.Attempt);
    }

    [Fact]
    public async Task Consume_TrialEndingBeforeTheStartedNoticeDelay_AnswersOnlyItsResult()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker
            .Configure(options => options.StartedNoticeDelay = TimeSpan.FromMinutes(5))
            .AddObjective("quick", (context, _) => Task.FromResult<ObjectiveResult>(context.Parameters.GetDouble("x"))));
        var message = await harness.CreateTrialAsync("quick");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(2.5, completed.Loss);
        Assert.Equal("worker-under-test", completed.WorkerId);
        Assert.Empty(harness.DrainAnswers());
        Assert.Empty(harness.Bus.Sent.Select<TrialStarted>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Consume_TrialRunningPastTheStartedNoticeDelay_AnswersStartedWhileRunningThenItsResult()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker
            .Configure(options => options.StartedNoticeDelay = TimeSpan.FromMilliseconds(100))
            .AddObjective("slow", async (_, cancellationToken) =>
            {
                await release.Task.WaitAsync(cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("slow");
        var sentAt = DateTimeOffset.UtcNow;

        await harness.SendAsync(message);
        // The objective is still blocked: the notice can only come from the delay.
        Assert.True(await harness.Bus.Sent.Any<TrialStarted>(TestContext.Current.CancellationToken));
        release.SetResult();
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        var started = Assert.IsType<TrialStarted>(Assert.Single(harness.DrainAnswers()));
        Assert.Equal(message.TrialId, started.TrialId);
        Assert.Equal("worker-under-test", started.WorkerId);
        // StartedAt is when the objective started, not when the notice went out.
        Assert.InRange(started.StartedAt, sentAt, sentAt + TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Consume_ObjectiveReturnsResultObject_KeepsStatusVarianceAndAttachments()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("rich", (_, _) => Task.FromResult(new ObjectiveResult
            {
                Loss = 0.5,
                LossVariance = 0.01,
                TrueLoss = 0.4,
                Attachments = new Dictionary<string, string> { ["model"] = "m.bin" },
            })));
        var message = await harness.CreateTrialAsync("rich");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(0.01, completed.LossVariance);
        Assert.Equal(0.4, completed.TrueLoss);
        Assert.Equal("m.bin", completed.Attachments!["model"]);
    }

    [Fact]
    public async Task Consume_ObjectiveReportsFail_AnswersFailWithItsReason()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("fails", (_, _) => Task.FromResult(ObjectiveResult.Fail("diverged"))));
        var message = await harness.CreateTrialAsync("fails");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Null(completed.Loss);
        Assert.Equal(new TrialError("fail", "diverged"), completed.Error);
    }

    [Fact]
    public async Task Consume_ObjectiveThrows_AnswersFailWithExceptionTypeAndMessageOnce()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("throws", (context, _) => Task.FromResult<ObjectiveResult>(context.Parameters.GetDouble("missing"))));
        var message = await harness.CreateTrialAsync("throws");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal(typeof(KeyNotFoundException).FullName, completed.Error!.Type);
        Assert.Contains("parameter 'missing'", completed.Error.Message, StringComparison.Ordinal);
        Assert.True(await harness.Bus.Consumed.Any<EvaluateTrial>(TestContext.Current.CancellationToken));
        Assert.Single(harness.Bus.Consumed.Select<EvaluateTrial>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Consume_ObjectiveDefault_RunsOnAThreadOfItsOwnNeverOnThePool()
    {
        Thread? ranOn = null;
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker.AddObjective("computes", (_, _) =>
        {
            ranOn = Thread.CurrentThread;
            return Task.FromResult<ObjectiveResult>(1.0);
        }));

        await harness.SendAsync(await harness.CreateTrialAsync("computes"));
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.False(ranOn!.IsThreadPoolThread);
        Assert.Equal("hq-objective", ranOn.Name);
    }

    [Fact]
    public async Task Consume_ObjectiveThatStartsQuickly_RunsOnTheReceivingPoolThread()
    {
        Thread? ranOn = null;
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker.AddObjective(
            "waits",
            async (_, cancellationToken) =>
            {
                ranOn = Thread.CurrentThread;
                await Task.Delay(1, cancellationToken);
                return 2.0;
            },
            startsQuickly: true));

        await harness.SendAsync(await harness.CreateTrialAsync("waits"));
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(2.0, completed.Loss);
        Assert.True(ranOn!.IsThreadPoolThread);
    }

    [Fact]
    public async Task Consume_ObjectiveThatStartsQuicklyThrowsBeforeReturningATask_AnswersFailOnce()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker.AddObjective(
            "throws-at-once", (_, _) => throw new InvalidOperationException("no task at all"), startsQuickly: true));

        await harness.SendAsync(await harness.CreateTrialAsync("throws-at-once"));
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal(new TrialError(typeof(InvalidOperationException).FullName!, "no task at all"), completed.Error);
        Assert.Single(harness.Bus.Consumed.Select<EvaluateTrial>(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData(double.NaN, "loss is NaN")]
    [InlineData(double.NegativeInfinity, "loss is -infinity")]
    public async Task Consume_ObjectiveReturnsInvalidLoss_AnswersFailWithReason(double loss, string reason)
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("bad", (_, _) => Task.FromResult<ObjectiveResult>(loss)));
        var message = await harness.CreateTrialAsync("bad");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Null(completed.Loss);
        Assert.Equal(new TrialError("invalid_result", reason), completed.Error);
    }

    [Fact]
    public async Task Consume_UnknownObjective_AnswersFailNamingItAndTheServedObjectivesOnce()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker => worker
            .AddObjective("alpha", (_, _) => Task.FromResult<ObjectiveResult>(1))
            .AddObjective("beta", (_, _) => Task.FromResult<ObjectiveResult>(1)));
        var message = await harness.CreateTrialAsync("gamma");

        await harness.SendAsync(message, queue: "hq.evaluate.alpha");
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal("unknown_objective", completed.Error!.Type);
        Assert.Equal("objective 'gamma' is not served by worker 'worker-under-test', which serves: alpha, beta", completed.Error.Message);
        Assert.Empty(harness.DrainAnswers());
    }

    [Fact]
    public async Task Consume_ExperimentDeadlinePassed_AnswersCancelledWithoutRunning()
    {
        var ran = false;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("late", (_, _) =>
            {
                ran = true;
                return Task.FromResult<ObjectiveResult>(1);
            }));
        var message = await harness.CreateTrialAsync("late", experimentDeadline: DateTimeOffset.UnixEpoch);

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Cancelled, completed.Status);
        Assert.Contains("experiment deadline", completed.Error!.Message, StringComparison.Ordinal);
        Assert.False(ran);
        Assert.Empty(harness.DrainAnswers());
    }

    [Fact]
    public async Task Consume_ExperimentAlreadyEnded_AnswersCancelledWithTheEndReasonWithoutRunning()
    {
        var ran = false;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("ended", (_, _) =>
            {
                ran = true;
                return Task.FromResult<ObjectiveResult>(1);
            }));
        var message = await harness.CreateTrialAsync("ended");
        await harness.Store.EndExperimentAsync(message.ExperimentId, "loss_threshold", TestContext.Current.CancellationToken);

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Cancelled, completed.Status);
        Assert.Equal("the experiment ended (loss_threshold)", completed.Error!.Message);
        Assert.False(ran);
    }

    [Fact]
    public async Task Consume_ExperimentUnknownToTheStore_AnswersCancelledNamingItWithoutRunning()
    {
        var ran = false;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("forgotten", (_, _) =>
            {
                ran = true;
                return Task.FromResult<ObjectiveResult>(1);
            }));
        var message = await harness.CreateTrialAsync("forgotten");
        await harness.Store.DeleteExperimentAsync(message.ExperimentId, TestContext.Current.CancellationToken);

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Cancelled, completed.Status);
        Assert.Equal(
            $"experiment '{message.ExperimentId}' is not known to the in-flight store (it ended and was removed, was never started, or was lost and its scheduler did not restore it within 5 s)",
            completed.Error!.Message);
        Assert.False(ran);
        Assert.Empty(harness.Bus.Sent.Select<TrialStarted>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Consume_CancelExperimentWhileRunning_CancelsTheTokenAndAnswersCancelled()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("long", async (_, cancellationToken) =>
            {
                running.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("long");

        await harness.SendAsync(message);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await harness.Bus.Bus.Publish(new CancelExperiment { ExperimentId = message.ExperimentId, Reason = "timeout" }, TestContext.Current.CancellationToken);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Cancelled, completed.Status);
        Assert.Equal(new TrialError("cancelled", "the experiment was cancelled: timeout"), completed.Error);
    }

    [Fact]
    public async Task Consume_ExperimentCancelledThenResumed_RefusesTheOldTrialAndRunsTheNewOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("square", (context, _) => Task.FromResult<ObjectiveResult>(Math.Pow(context.Parameters.GetDouble("x"), 2))));
        var old = await harness.CreateTrialAsync("square");
        // What a scheduler's timeout does: the experiment ends in the store, then every worker hears CancelExperiment.
        await harness.Store.EndExperimentAsync(old.ExperimentId, "timeout", cancellationToken);
        await harness.Bus.Bus.Publish(new CancelExperiment { ExperimentId = old.ExperimentId, Reason = "timeout" }, cancellationToken);
        Assert.True(await harness.Bus.Consumed.Any<CancelExperiment>(cancellationToken));

        await harness.SendAsync(old);
        var refused = await harness.NextCompletedAsync();
        Assert.Equal(TrialStatus.Cancelled, refused.Status);
        Assert.Equal("the experiment was cancelled: timeout", refused.Error!.Message);

        // `hq tune --resume`: the same experiment id runs again, and this worker must not hold the old end against it.
        await harness.Store.CreateExperimentAsync(old.ExperimentId, 4, null, cancellationToken);
        var resumed = old with { TrialId = Guid.NewGuid(), TrialNumber = 1 };
        Assert.True(await harness.Store.TryAcquireSlotAsync(resumed.ExperimentId, resumed.TrialId, TimeSpan.FromSeconds(5), cancellationToken));
        await harness.SendAsync(resumed);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(resumed.TrialId, completed.TrialId);
        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(6.25, completed.Loss);
    }

    [Fact]
    public async Task Consume_CancelTrialWhileRunning_CancelsOnlyThatTrial()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("long", async (_, cancellationToken) =>
            {
                running.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("long");

        await harness.SendAsync(message);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await harness.Bus.Bus.Publish(new CancelTrial { ExperimentId = message.ExperimentId, TrialId = Guid.NewGuid(), Reason = "other" }, TestContext.Current.CancellationToken);
        await harness.Bus.Bus.Publish(new CancelTrial { ExperimentId = message.ExperimentId, TrialId = message.TrialId, Reason = "reaped" }, TestContext.Current.CancellationToken);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Cancelled, completed.Status);
        Assert.Equal("the trial was cancelled: reaped", completed.Error!.Message);
    }

    [Fact]
    public async Task Consume_ExperimentEndsWhileRunning_HeartbeatCancelsWithTheEndReason()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("long", async (_, cancellationToken) =>
            {
                running.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("long");

        await harness.SendAsync(message);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await harness.Store.EndExperimentAsync(message.ExperimentId, "early_stop", TestContext.Current.CancellationToken);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Cancelled, completed.Status);
        Assert.Equal("the experiment ended (early_stop)", completed.Error!.Message);
    }

    [Fact]
    public async Task Consume_ExperimentLostFromStoreWhileRunning_RunsOnAndAnswersOkOnceRestored()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("long", async (_, cancellationToken) =>
            {
                running.SetResult();
                await finish.Task.WaitAsync(cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("long");
        var cancellationToken = TestContext.Current.CancellationToken;

        await harness.SendAsync(message);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        // Redis restarted without persistence: the experiment is gone for ten heartbeats (50 ms each) until the
        // scheduler restores it with this trial in flight.
        await harness.Store.DeleteExperimentAsync(message.ExperimentId, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        Assert.True(await harness.Store.RestoreExperimentAsync(
            message.ExperimentId, 4, null, [message.TrialId], TimeSpan.FromSeconds(5), cancellationToken));
        finish.SetResult();
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(1, completed.Loss);
    }

    [Fact]
    public async Task Consume_ExperimentLostFromStoreBeforeDelivery_WaitsForTheRestoreThenRunsTheTrial()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("quick", (_, _) => Task.FromResult<ObjectiveResult>(0.25)));
        var message = await harness.CreateTrialAsync("quick");
        var cancellationToken = TestContext.Current.CancellationToken;
        await harness.Store.DeleteExperimentAsync(message.ExperimentId, cancellationToken);

        await harness.SendAsync(message);
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        Assert.True(await harness.Store.RestoreExperimentAsync(
            message.ExperimentId, 4, null, [message.TrialId], TimeSpan.FromSeconds(5), cancellationToken));
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Ok, completed.Status);
        Assert.Equal(0.25, completed.Loss);
    }

    [Fact]
    public async Task Consume_LeaseReapedWhileRunning_CancelsTheObjectiveAndSendsNoResult()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("long", async (_, cancellationToken) =>
            {
                using var registration = cancellationToken.Register(cancelled.SetResult);
                running.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("long");

        await harness.SendAsync(message);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(await harness.Store.ReleaseAsync(message.ExperimentId, message.TrialId, TestContext.Current.CancellationToken));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(await harness.Bus.Consumed.Any<EvaluateTrial>(TestContext.Current.CancellationToken));

        // Sent is recorded as the consumer sends, so a result sent after the lease was lost would be listed here.
        Assert.Empty(harness.Bus.Sent.Select<TrialCompleted>(TestContext.Current.CancellationToken));
        Assert.Single(harness.Bus.Sent.Select<TrialStarted>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Consume_WorkerAbandonsRunningTrials_CancelsTheObjectiveAndSendsNoResult()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("long", async (_, cancellationToken) =>
            {
                using var registration = cancellationToken.Register(cancelled.SetResult);
                running.SetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 1;
            }));
        var message = await harness.CreateTrialAsync("long");

        await harness.SendAsync(message);
        await running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var abandoned = harness.RunningTrials.AbandonAll();
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.True(await harness.Bus.Consumed.Any<EvaluateTrial>(TestContext.Current.CancellationToken));

        Assert.Equal(1, abandoned);
        Assert.Empty(harness.Bus.Sent.Select<TrialCompleted>(TestContext.Current.CancellationToken));
        // The lease is left to lapse, so the scheduler's reaper retries the trial.
        Assert.Equal([message.TrialId], await harness.Store.GetInFlightAsync(message.ExperimentId, TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("attempt", "EvaluateTrial.Attempt (0) must be at least 1")]
    [InlineData("trial", "EvaluateTrial.TrialId is empty; it must name the trial")]
    [InlineData("number", "EvaluateTrial.TrialNumber (-1) must be zero or more")]
    public async Task Consume_MalformedMessage_AnswersFailWithTheRuleOnceWithoutRunning(string broken, string reason)
    {
        var ran = false;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("any", (_, _) =>
            {
                ran = true;
                return Task.FromResult<ObjectiveResult>(1);
            }));
        var message = await harness.CreateTrialAsync("any");
        message = broken switch
        {
            "attempt" => message with { Attempt = 0 },
            "trial" => message with { TrialId = Guid.Empty },
            _ => message with { TrialNumber = -1 },
        };

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal(new TrialError("invalid_message", reason), completed.Error);
        Assert.False(ran);
        Assert.Empty(harness.DrainAnswers());
    }

    [Fact]
    public async Task Consume_BodyWithoutObjectiveOrRawValues_AnswersInvalidMessageOnceWithoutRunning()
    {
        var ran = false;
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("any", (_, _) =>
            {
                ran = true;
                return Task.FromResult<ObjectiveResult>(1);
            }));
        var parameters = JsonDocument.Parse("{}").RootElement.Clone();

        // Bodies a foreign or buggy sender could produce: MassTransit deserializes them with the fields left null.
        await harness.SendRawAsync("any", new { ExperimentId = Guid.NewGuid(), TrialId = Guid.NewGuid(), TrialNumber = 1, Parameters = parameters, RawValues = new Dictionary<string, double?>() });
        var withoutObjective = await harness.NextCompletedAsync();
        await harness.SendRawAsync("any", new { ExperimentId = Guid.NewGuid(), TrialId = Guid.NewGuid(), TrialNumber = 1, Objective = "any", Parameters = parameters });
        var withoutRawValues = await harness.NextCompletedAsync();

        Assert.Equal(new TrialError("invalid_message", "EvaluateTrial.Objective is empty; it must name a registered objective"), withoutObjective.Error);
        Assert.Equal(new TrialError("invalid_message", "EvaluateTrial.RawValues is missing; it must map each label to its raw value (null when inactive)"), withoutRawValues.Error);
        Assert.Equal(TrialStatus.Fail, withoutRawValues.Status);
        Assert.False(ran);
        Assert.Empty(harness.DrainAnswers());
    }

    [Fact]
    public async Task Consume_ParametersNotAnObjectTheObjectiveExpects_AnswersFailWithTheAccessError()
    {
        await using var harness = await WorkerTestHarness.StartAsync(worker =>
            worker.AddObjective("typed", (context, _) => Task.FromResult<ObjectiveResult>(context.Parameters.GetDouble("x"))));
        var message = await harness.CreateTrialAsync("typed", parametersJson: """{"x": "not a number"}""");

        await harness.SendAsync(message);
        var completed = await harness.NextCompletedAsync();

        Assert.Equal(TrialStatus.Fail, completed.Status);
        Assert.Equal(typeof(InvalidOperationException).FullName, completed.Error!.Type);
    }
}
