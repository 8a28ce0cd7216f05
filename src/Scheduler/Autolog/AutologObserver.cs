using System.Collections.Concurrent;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using StoredTrial = HyperQueue.Tracking.Trials.TrialRecord;
using StoredTrialState = HyperQueue.Tracking.Trials.TrialState;

namespace HyperQueue.Scheduler.Autolog;

/// <summary>
/// Records an fmin call as MLflow-style nested runs, the way hyperopt's MLflow integration does: fmin logs into the
/// active run if there is one and leaves it open, else it creates a parent run and ends it when fmin ends (FINISHED,
/// or FAILED with the error as a tag); every trial is a child run created before it is dispatched, with the
/// evaluated parameters as params, its loss as metric, and a status that follows the trial's; each trial's
/// structured record is stored too, so the experiment can be resumed from the store alone.
/// </summary>
/// <param name="client">Where runs are recorded.</param>
/// <param name="experimentName">The tracking experiment of a new parent run.</param>
/// <param name="resumedParentRunId">The parent run of the experiment being resumed, logged into instead of a new one.</param>
internal sealed class AutologObserver(TrackingClient client, string experimentName, string? resumedParentRunId = null) : IOptimizationObserver
{
    /// <summary>Tag on the parent run naming the trials store (the id of Redis keys and the results queue).</summary>
    public const string TrialsIdTag = "hq.trials_id";

    public const string SeedTag = "hq.seed";

    public const string StopReasonTag = "hq.stop_reason";

    public const string ErrorTag = "hq.error";

    private readonly ConcurrentDictionary<Guid, string> _childRuns = new();
    private string _experimentId = "";
    private string _parentRunId = "";
    private bool _ownsParent;

    public string ParentRunId => _parentRunId;

    public string ExperimentId => _experimentId;

    /// <summary>The child and parent run of a dispatched trial, for the <c>EvaluateTrial</c> message.</summary>
    public TrialRunIds? RunIdsOf(Guid trialId) =>
        _childRuns.TryGetValue(trialId, out var runId) ? new TrialRunIds(runId, _parentRunId) : null;

    public async Task ExperimentStartedAsync(OptimizationStarted started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(started);
        if (resumedParentRunId is not null
            && await client.GetRunAsync(resumedParentRunId, cancellationToken) is { } resumed)
        {
            _experimentId = resumed.Info.ExperimentId;
            _parentRunId = resumed.Info.RunId;
            _ownsParent = true;
            // Trials left running by the scheduler that died are taken over: their results go to their own child runs.
            foreach (var stored in await client.ListTrialsAsync(_experimentId, _parentRunId, cancellationToken))
            {
                _childRuns[stored.TrialId] = stored.RunId;
            }
        }
        else if (client.ActiveRun is { IsEnded: false } active)
        {
            _experimentId = active.ExperimentId;
            _parentRunId = active.RunId;
            _ownsParent = false;
        }
        else
        {
            var experiment = await client.GetOrCreateExperimentAsync(experimentName, cancellationToken);
            var parent = await client.CreateRunAsync(experiment.ExperimentId, runName: experimentName, cancellationToken: cancellationToken);
            _experimentId = experiment.ExperimentId;
            _parentRunId = parent.RunId;
            _ownsParent = true;
        }

        await client.SetTagAsync(_parentRunId, TrialsIdTag, started.ExperimentId.ToString("D"), cancellationToken);
        await client.SetTagAsync(_parentRunId, SeedTag, ParamValue.Format(started.Seed), cancellationToken);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("algo", started.AlgorithmName),
            new("max_queue_len", ParamValue.Format(started.MaxQueueLen)),
            new("seed", ParamValue.Format(started.Seed)),
        };
        if (started.MaxEvals is { } maxEvals)
        {
            parameters.Add(new("max_evals", ParamValue.Format(maxEvals)));
        }

        if (started.Timeout is { } timeout)
        {
            parameters.Add(new("timeout_seconds", ParamValue.Format(timeout.TotalSeconds)));
        }

        if (started.LossThreshold is { } threshold)
        {
            parameters.Add(new("loss_threshold", ParamValue.Format(threshold)));
        }

        foreach (var (key, value) in parameters)
        {
            await LogParentParamAsync(key, value, cancellationToken);
        }
    }

    public async Task TrialDispatchingAsync(TrialRecord trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        var number = ParamValue.Format(trial.Number);
        var run = await client.CreateRunAsync(
            _experimentId,
            runName: $"trial {number}",
            parentRunId: _parentRunId,
            tags: new Dictionary<string, string> { ["hq.trial_number"] = number, ["hq.trial_id"] = trial.Id.ToString("D") },
            cancellationToken: cancellationToken);
        _childRuns[trial.Id] = run.RunId;
        await client.LogBatchAsync(run.RunId, parameters: ParamValue.Flatten(trial.Parameters.Json), cancellationToken: cancellationToken);
        await client.UpsertTrialAsync(ToStored(trial, run.RunId), cancellationToken);
    }

    public async Task TrialCompletedAsync(TrialRecord trial, Trials trials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(trials);
        if (!_childRuns.TryGetValue(trial.Id, out var runId))
        {
            return;
        }

        var timestamp = trial.EndedAt ?? trial.StartedAt;
        var metrics = new List<Metric>();
        if (trial.Loss is { } loss)
        {
            metrics.Add(new Metric("loss", loss, 0, timestamp));
        }

        var tags = new List<KeyValuePair<string, string>>
        {
            new("hq.status", StatusName(trial.Status)),
            new("hq.attempts", ParamValue.Format(trial.Attempts)),
        };
        if (trial.Worker is { } worker)
        {
            tags.Add(new("hq.worker", worker));
        }

        if (trial.Error is { } error)
        {
            // The objective's own text: a megabyte message must not fail the experiment's logging.
            tags.Add(new("hq.error_type", TrackingClient.ToStorableTagValue(error.Type)));
            tags.Add(new("hq.error_message", TrackingClient.ToStorableTagValue(error.Message)));
        }

        await client.LogBatchAsync(runId, metrics, tags: tags, cancellationToken: cancellationToken);
        await client.EndRunAsync(runId, RunStatusOf(trial.Status), cancellationToken);
        await client.UpsertTrialAsync(ToStored(trial, runId), cancellationToken);
        if (trial.IsOk && trials.FindBestTrial() is { } best && best.Id == trial.Id)
        {
            await client.LogMetricAsync(_parentRunId, "best_loss", best.Loss!.Value, trial.Number, timestamp, cancellationToken);
        }
    }

    public async Task ExperimentEndedAsync(OptimizationEnded ended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ended);
        if (_parentRunId.Length == 0)
        {
            return;
        }

        if (ended.StopReason is { } reason)
        {
            await client.SetTagAsync(_parentRunId, StopReasonTag, StopReasonName(reason), cancellationToken);
        }

        // The caller cancelling fmin (Ctrl-C, SIGTERM) ends the run as MLflow ends an interrupted one: KILLED.
        var interrupted = ended.Error is OperationCanceledException;
        if (ended.Error is { } error)
        {
            var shown = interrupted ? "interrupted" : $"{error.GetType().Name}: {error.Message}";
            await client.SetTagAsync(_parentRunId, ErrorTag, TrackingClient.ToStorableTagValue(shown), cancellationToken);
        }

        if (_ownsParent)
        {
            var status = ended.Error is null ? RunStatus.Finished : interrupted ? RunStatus.Killed : RunStatus.Failed;
            await client.EndRunAsync(_parentRunId, status, cancellationToken);
        }
    }

    /// <summary>snake_case names of <see cref="StopReason"/>, as <c>hq tune --json</c> prints them.</summary>
    public static string StopReasonName(StopReason reason) => reason switch
    {
        StopReason.MaxEvals => "max_evals",
        StopReason.Timeout => "timeout",
        StopReason.LossThreshold => "loss_threshold",
        StopReason.EarlyStop => "early_stop",
        _ => reason.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// A second fmin in the same active run may log a different value under the same name; params are write-once,
    /// so the later one gets a unique suffix instead of failing the experiment.
    /// </summary>
    private async Task LogParentParamAsync(string key, string value, CancellationToken cancellationToken)
    {
        try
        {
            await client.LogParamAsync(_parentRunId, key, value, cancellationToken);
        }
        catch (ParamConflictException)
        {
            await client.LogParamAsync(_parentRunId, $"{key}_{Guid.NewGuid():N}", value, cancellationToken);
        }
    }

    private StoredTrial ToStored(TrialRecord trial, string runId) => new()
    {
        TrialId = trial.Id,
        ExperimentId = _experimentId,
        RunId = runId,
        ParentRunId = _parentRunId,
        Number = trial.Number,
        State = trial.State switch
        {
            TrialState.Running => StoredTrialState.Running,
            _ => trial.Status switch
            {
                TrialStatus.Ok => StoredTrialState.Done,
                TrialStatus.Cancelled => StoredTrialState.Cancelled,
                _ => StoredTrialState.Error,
            },
        },
        Status = trial.Status,
        Loss = trial.Loss,
        LossVariance = trial.LossVariance,
        RawValues = trial.Vals,
        Parameters = trial.Parameters.Json,
        Attempts = trial.Attempts,
        WorkerId = trial.Worker,
        ErrorType = trial.Error?.Type,
        ErrorMessage = trial.Error?.Message,
        StartedAt = trial.StartedAt,
        EndedAt = trial.EndedAt,
    };

    private static RunStatus RunStatusOf(TrialStatus? status) => status switch
    {
        TrialStatus.Ok => RunStatus.Finished,
        TrialStatus.Cancelled => RunStatus.Killed,
        _ => RunStatus.Failed,
    };

    private static string StatusName(TrialStatus? status) => status switch
    {
        TrialStatus.Ok => "ok",
        TrialStatus.Fail => "fail",
        TrialStatus.Cancelled => "cancelled",
        _ => "running",
    };
}
