using System.Globalization;
using HyperQueue.Contracts;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Objectives;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HyperQueue.Worker.Trials;

/// <summary>
/// Runs one trial from <c>hq.evaluate.&lt;objective&gt;</c> (a SparkTrials task): checks the message and that the
/// experiment is live, holds the trial's lease by heartbeat while the objective runs on its own thread, and answers
/// exactly one <see cref="TrialCompleted"/> to the message's response address (the experiment's results queue),
/// preceded by <see cref="TrialStarted"/> when the trial runs longer than <see cref="WorkerOptions.StartedNoticeDelay"/>.
/// Every outcome of the objective is an answer, never an exception, so the broker never redelivers a trial that
/// already ran.
/// </summary>
internal sealed class EvaluateTrialConsumer(
    ObjectiveRegistry objectives,
    RunningTrials runningTrials,
    IInFlightStore inFlightStore,
    IOptions<WorkerOptions> options,
    TimeProvider timeProvider,
    IServiceProvider services,
    ObjectiveThreads objectiveThreads,
    ILogger<EvaluateTrialConsumer> logger,
    ITrialRunLoggerFactory? runLoggers = null) : IConsumer<EvaluateTrial>
{
    /// <summary>How often a trial about to start asks an unreachable store, or one that lost its experiment, again.</summary>
    private static readonly TimeSpan StoreRetryInterval = TimeSpan.FromMilliseconds(250);

    private readonly WorkerOptions settings = options.Value;

    public async Task Consume(ConsumeContext<EvaluateTrial> context)
    {
        var message = context.Message;
        var received = timeProvider.GetTimestamp();
        var cancellationToken = context.CancellationToken;

        if (TrialMessageValidator.Validate(message) is { } invalid)
        {
            Log.TrialRejected(logger, message.TrialId, invalid);
            await RespondAsync(context, ObjectiveResult.Fail(invalid, "invalid_message"), received);
            return;
        }

        if ((GetNotLiveReason(message) ?? await GetRememberedEndAsync(message, cancellationToken)) is { } notLive)
        {
            Log.TrialNotStarted(logger, message.TrialId, notLive);
            await RespondAsync(context, ObjectiveResult.Cancelled(notLive), received);
            return;
        }

        IObjective? objective;
        try
        {
            objectives.TryCreate(message.Objective, services, out objective);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException)
        {
            // A class objective whose dependencies are not registered: a failed trial naming why, not a poison message.
            var unavailable = $"objective '{message.Objective}' could not be created on worker '{settings.WorkerId}': {exception.Message}";
            Log.TrialRejected(logger, message.TrialId, unavailable);
            await RespondAsync(context, ObjectiveResult.Fail(unavailable, "objective_unavailable"), received);
            return;
        }

        if (objective is null)
        {
            var unknown = $"objective '{message.Objective}' is not served by worker '{settings.WorkerId}', which serves: {string.Join(", ", objectives.Names)}";
            Log.TrialRejected(logger, message.TrialId, unknown);
            await RespondAsync(context, ObjectiveResult.Fail(unknown, "unknown_objective"), received);
            return;
        }

        using var trial = runningTrials.TryStart(message.ExperimentId, message.TrialId);
        if (trial is null)
        {
            Log.DuplicateDelivery(logger, message.TrialId);
            return;
        }

        // A trial that took its worker down with it (an objective that crashes the process) would otherwise go from
        // worker to worker for ever: the broker redelivers it each time, and no lease expires to count an attempt.
        if (context.ReceiveContext.Redelivered && await GetRedeliveryLimitReasonAsync(message, cancellationToken) is { } lost)
        {
            Log.TrialRejected(logger, message.TrialId, lost);
            await RespondAsync(context, ObjectiveResult.Fail(lost, "workers_lost"), received);
            return;
        }

        // The first renewal marks the trial running and tells us whether the scheduler still wants it: it answers
        // Cancelled for an ended, expired or unknown experiment, so it is also the liveness check (one round trip).
        switch (await RenewBeforeStartAsync(message, cancellationToken))
        {
            case LeaseStatus.Lost:
                Log.LeaseLost(logger, message.TrialId);
                return;
            case LeaseStatus.Cancelled:
                var ended = await GetNotLiveReasonAsync(message, cancellationToken);
                Log.TrialNotStarted(logger, message.TrialId, ended);
                await RespondAsync(context, ObjectiveResult.Cancelled(ended), received);
                return;
        }

        ScheduleDeadline(trial, message);
        Log.TrialStarted(logger, message.TrialId, message.ExperimentId, message.Objective, message.Attempt);
        ObjectiveResult result;
        using (var finished = new CancellationTokenSource())
        {
            var notice = NoticeStartedAsync(context, message, timeProvider.GetUtcNow(), finished.Token);
            try
            {
                result = await RunWithHeartbeatAsync(objective, message, trial);
            }
            finally
            {
                await finished.CancelAsync();
                // A notice already on its way is sent before the result, so the scheduler never sees them reversed.
                await notice;
            }
        }

        if (!trial.ShouldAnswer)
        {
            Log.TrialNotAnswered(logger, message.TrialId, trial.CancelReason);
            return;
        }

        await RespondAsync(context, result, received);
    }

    /// <summary>
    /// Sends <see cref="TrialStarted"/> once the trial has run <see cref="WorkerOptions.StartedNoticeDelay"/>; a trial
    /// that finishes first is answered by its result alone (it carries the worker and the duration).
    /// </summary>
    private async Task NoticeStartedAsync(ConsumeContext context, EvaluateTrial message, DateTimeOffset startedAt, CancellationToken finished)
    {
        if (settings.StartedNoticeDelay > TimeSpan.Zero)
        {
            // Most trials end first: they cancel the delay, which must not cost an exception each.
            await Task.Delay(settings.StartedNoticeDelay, timeProvider, finished).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (finished.IsCancellationRequested)
            {
                return;
            }
        }

        await context.RespondAsync(new TrialStarted
        {
            ExperimentId = message.ExperimentId,
            TrialId = message.TrialId,
            WorkerId = settings.WorkerId,
            Attempt = message.Attempt,
            StartedAt = startedAt,
        });
    }

    private async Task<ObjectiveResult> RunWithHeartbeatAsync(IObjective objective, EvaluateTrial message, RunningTrial trial)
    {
        using var stopHeartbeat = new CancellationTokenSource();
        var timer = new PeriodicTimer(settings.HeartbeatInterval, timeProvider);
        var heartbeat = HeartbeatAsync(trial, timer, stopHeartbeat.Token);
        try
        {
            return await RunObjectiveAsync(objective, message, trial);
        }
        finally
        {
            // Disposing the timer ends a heartbeat waiting for its next tick quietly; cancelling that wait instead threw
            // an exception at the end of every trial, a measurable share of a short trial's cost. The token stops a
            // renewal under way.
            timer.Dispose();
            await stopHeartbeat.CancelAsync();
            await heartbeat;
        }
    }

    private async Task<ObjectiveResult> RunObjectiveAsync(IObjective objective, EvaluateTrial message, RunningTrial trial)
    {
        var trackingUri = settings.TrackingUri ?? message.TrackingUri;
        var run = runLoggers?.Create(message, trackingUri);
        try
        {
            var context = new ObjectiveContext
            {
                Parameters = new TrialParameters(message.Parameters),
                ExperimentId = message.ExperimentId,
                TrialId = message.TrialId,
                TrialNumber = message.TrialNumber,
                Attempt = message.Attempt,
                RunId = message.RunId,
                TrackingUri = trackingUri,
                Run = run,
            };

            // Off the thread pool unless the objective says it starts quickly: one that computes synchronously for an hour
            // must not hold a pool thread.
            var result = objective.StartsQuickly
                ? await objective.EvaluateAsync(context, trial.Token)
                : await objectiveThreads.Run(() => objective.EvaluateAsync(context, trial.Token));
            return result is null
                ? ObjectiveResult.Fail($"objective '{message.Objective}' returned null instead of a result", "invalid_result")
                : result.Normalize();
        }
        catch (OperationCanceledException) when (trial.CancelReason is { } reason)
        {
            return ObjectiveResult.Cancelled(reason);
        }
        catch (Exception exception)
        {
            // Hyperopt's rule: an exception in the objective is a failed trial with its type and message, never a retry.
            Log.ObjectiveFailed(logger, exception, message.TrialId, message.Objective, exception.GetType().Name);
            return ObjectiveResult.FromException(exception);
        }
        finally
        {
            if (run is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private async Task HeartbeatAsync(RunningTrial trial, PeriodicTimer timer, CancellationToken stop)
    {
        try
        {
            while (await timer.WaitForNextTickAsync(CancellationToken.None))
            {
                LeaseStatus status;
                try
                {
                    status = await inFlightStore.RenewLeaseAsync(trial.ExperimentId, trial.TrialId, settings.LeaseDuration, stop);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // A store outage is not the trial's fault; the lease still has LeaseDuration - HeartbeatInterval to go.
                    Log.RenewalFailed(logger, exception, trial.TrialId);
                    continue;
                }

                if (status == LeaseStatus.Lost)
                {
                    trial.LoseLease();
                    return;
                }

                if (status == LeaseStatus.Cancelled)
                {
                    if (await IsLostFromStoreAsync(trial.ExperimentId, stop))
                    {
                        // Redis lost its state: the scheduler restores the experiment with this trial on its next reap
                        // tick, and the next heartbeat finds it. Cancelling here would lose a trial that is running fine.
                        Log.ExperimentLostFromStore(logger, trial.TrialId, trial.ExperimentId);
                        continue;
                    }

                    trial.Cancel(await GetEndReasonAsync(trial.ExperimentId, stop));
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The objective finished while a renewal was under way; the heartbeat ends with it.
        }
    }

    /// <summary>
    /// Why the trial must not start, as far as the message tells without asking the in-flight store (a deadline
    /// passed); the store's answer comes with the first lease renewal.
    /// </summary>
    private string? GetNotLiveReason(EvaluateTrial message)
    {
        var now = timeProvider.GetUtcNow();
        if (message.ExperimentDeadline is { } experimentDeadline && experimentDeadline <= now)
        {
            return $"the experiment deadline ({Format(experimentDeadline)}) passed before the trial started";
        }

        if (message.TrialDeadline is { } trialDeadline && trialDeadline <= now)
        {
            return $"the trial deadline ({Format(trialDeadline)}) passed before the trial started";
        }

        return null;
    }

    /// <summary>
    /// The reason a <see cref="CancelExperiment"/> gave, when this worker received one for the trial's experiment and
    /// the experiment has not been resumed since; null otherwise. The store decides: a resumed experiment keeps its
    /// id and runs again, and a worker that remembered its old end would cancel every new trial it is given.
    /// </summary>
    private async Task<string?> GetRememberedEndAsync(EvaluateTrial message, CancellationToken cancellationToken)
    {
        if (!runningTrials.TryGetEndReason(message.ExperimentId, out var ended))
        {
            return null;
        }

        try
        {
            if ((await inFlightStore.GetExperimentAsync(message.ExperimentId, cancellationToken)).State != ExperimentState.Running)
            {
                return ended;
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The store is away: the remembered end is the best answer there is.
            Log.RenewalFailed(logger, exception, message.TrialId);
            return ended;
        }

        runningTrials.ForgetEnd(message.ExperimentId);
        return null;
    }

    /// <summary>
    /// Counts this redelivery; a reason to fail the trial instead of running it once the workers that held it before
    /// were lost as many times as it may run (<see cref="EvaluateTrial.MaxAttempts"/>), else null. A store outage
    /// lets it run: one more run is better than a trial failed for the store's sake.
    /// </summary>
    private async Task<string?> GetRedeliveryLimitReasonAsync(EvaluateTrial message, CancellationToken cancellationToken)
    {
        long redeliveries;
        try
        {
            redeliveries = await inFlightStore.CountRedeliveryAsync(message.ExperimentId, message.TrialId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RenewalFailed(logger, exception, message.TrialId);
            return null;
        }

        var maxAttempts = message.MaxAttempts ?? EvaluateTrial.DefaultMaxAttempts;
        return redeliveries < maxAttempts
            ? null
            : $"the broker gave this trial out {redeliveries + 1} times and the {redeliveries} workers that held it before were lost " +
              $"(died or disconnected) before answering; it runs at most {maxAttempts} times, so it is failed here " +
              "instead of run again (the objective may be what ends its worker)";
    }

    /// <summary>Why the in-flight store refused to start the trial (its renewal answered Cancelled).</summary>
    private async Task<string> GetNotLiveReasonAsync(EvaluateTrial message, CancellationToken cancellationToken)
    {
        ExperimentLiveness liveness;
        try
        {
            liveness = await inFlightStore.GetExperimentAsync(message.ExperimentId, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RenewalFailed(logger, exception, message.TrialId);
            return "the experiment ended or passed its deadline";
        }

        return liveness.State switch
        {
            ExperimentState.Running when liveness.Deadline is { } deadline =>
                $"the experiment deadline ({Format(deadline)}) passed before the trial started",
            ExperimentState.Running => "the experiment ended or passed its deadline",
            ExperimentState.Ended => $"the experiment ended ({liveness.EndReason})",
            _ => $"experiment '{message.ExperimentId}' is not known to the in-flight store (it ended and was removed, was never started, or was lost and its scheduler did not restore it within {settings.LeaseDuration.TotalSeconds:0.#} s)",
        };
    }

    /// <summary>
    /// The first lease renewal. A store that is unreachable, or that lost the experiment (Redis restarted without
    /// persistence; the scheduler restores it on its next reap tick), is asked again for up to one lease duration
    /// before the trial is given up: a trial the scheduler sent must not be cancelled by a passing outage.
    /// </summary>
    private async Task<LeaseStatus> RenewBeforeStartAsync(EvaluateTrial message, CancellationToken cancellationToken)
    {
        var giveUpAt = timeProvider.GetUtcNow() + settings.LeaseDuration;
        while (true)
        {
            try
            {
                var status = await inFlightStore.RenewLeaseAsync(message.ExperimentId, message.TrialId, settings.LeaseDuration, cancellationToken);
                if (status != LeaseStatus.Cancelled
                    || timeProvider.GetUtcNow() >= giveUpAt
                    || !await IsLostFromStoreAsync(message.ExperimentId, cancellationToken))
                {
                    return status;
                }
            }
            catch (Exception exception) when (IsStoreOutage(exception) && timeProvider.GetUtcNow() < giveUpAt)
            {
                Log.StoreUnavailable(logger, exception, message.TrialId);
            }

            await Task.Delay(StoreRetryInterval, timeProvider, cancellationToken);
        }
    }

    /// <summary>True when the store does not know the experiment (lost with Redis's state, or long gone); false when it does or cannot say.</summary>
    private async Task<bool> IsLostFromStoreAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        try
        {
            return (await inFlightStore.GetExperimentAsync(experimentId, cancellationToken)).State == ExperimentState.Unknown;
        }
        catch (Exception exception) when (IsStoreOutage(exception))
        {
            Log.RenewalFailed(logger, exception, experimentId);
            return false;
        }
    }

    /// <summary>Redis unreachable or slow to answer: a passing condition, not the trial's fault.</summary>
    private static bool IsStoreOutage(Exception exception) => exception is RedisException or TimeoutException;

    private async Task<string> GetEndReasonAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        try
        {
            var liveness = await inFlightStore.GetExperimentAsync(experimentId, cancellationToken);
            return liveness.EndReason is { } reason
                ? $"the experiment ended ({reason})"
                : "the experiment ended or passed its deadline";
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.RenewalFailed(logger, exception, experimentId);
            return "the experiment ended or passed its deadline";
        }
    }

    private void ScheduleDeadline(RunningTrial trial, EvaluateTrial message)
    {
        var trialDeadline = message.TrialDeadline;
        var experimentDeadline = message.ExperimentDeadline;
        if (trialDeadline is { } trialEnd && (experimentDeadline is null || trialEnd < experimentDeadline))
        {
            trial.CancelAt(trialEnd, $"the trial timed out at its deadline ({Format(trialEnd)})", timeProvider);
        }
        else if (experimentDeadline is { } experimentEnd)
        {
            trial.CancelAt(experimentEnd, $"the experiment timed out at its deadline ({Format(experimentEnd)})", timeProvider);
        }
    }

    private async Task RespondAsync(ConsumeContext<EvaluateTrial> context, ObjectiveResult result, long received)
    {
        var message = context.Message;
        var duration = timeProvider.GetElapsedTime(received);
        Log.TrialFinished(logger, message.TrialId, result.Status, (long)duration.TotalMilliseconds);
        await context.RespondAsync(new TrialCompleted
        {
            ExperimentId = message.ExperimentId,
            TrialId = message.TrialId,
            Status = result.Status,
            Loss = result.Loss,
            LossVariance = result.LossVariance,
            TrueLoss = result.TrueLoss,
            Attachments = result.Attachments,
            Error = result.Error,
            Duration = duration,
            WorkerId = settings.WorkerId,
            Attempt = Math.Max(1, message.Attempt),
        });
    }

    private static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);
}
