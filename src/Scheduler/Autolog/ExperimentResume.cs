using System.Globalization;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Tracking.Client;
using StoredTrial = HyperQueue.Tracking.Trials.TrialRecord;
using StoredTrialState = HyperQueue.Tracking.Trials.TrialState;

namespace HyperQueue.Scheduler.Autolog;

/// <summary>
/// What <c>hq tune --resume</c> continues: the latest fmin parent run of the named experiment, its trials store id
/// and seed (tags the autologger wrote), and every trial recorded under it, rebuilt from the store alone.
/// </summary>
internal sealed record ExperimentResume(string ParentRunId, Guid TrialsId, long? Seed, IReadOnlyList<TrialRecord> Trials)
{
    /// <summary>The experiment's latest parent run written by fmin; null when the experiment has none yet.</summary>
    public static async Task<ExperimentResume?> FindAsync(TrackingClient tracking, string experimentName, CancellationToken cancellationToken)
    {
        var experiment = await tracking.FindExperimentAsync(experimentName, cancellationToken);
        if (experiment is null)
        {
            return null;
        }

        var stored = await tracking.ListTrialsAsync(experiment.ExperimentId, cancellationToken: cancellationToken);
        var parents = stored.Where(trial => trial.ParentRunId is not null).Select(trial => trial.ParentRunId!).Distinct(StringComparer.Ordinal);
        Tracking.Runs.Run? latest = null;
        foreach (var parentRunId in parents)
        {
            var run = await tracking.GetRunAsync(parentRunId, cancellationToken);
            if (run is not null && run.Tags.ContainsKey(AutologObserver.TrialsIdTag) && (latest is null || run.Info.StartTime > latest.Info.StartTime))
            {
                latest = run;
            }
        }

        if (latest is null)
        {
            return null;
        }

        var trialsId = Guid.Parse(latest.Tags[AutologObserver.TrialsIdTag]);
        long? seed = latest.Tags.TryGetValue(AutologObserver.SeedTag, out var seedText)
            && long.TryParse(seedText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        var records = stored
            .Where(trial => trial.ParentRunId == latest.Info.RunId)
            .Select(ToRecord)
            .ToList();
        return new ExperimentResume(latest.Info.RunId, trialsId, seed, records);
    }

    private static TrialRecord ToRecord(StoredTrial stored) => new()
    {
        Number = stored.Number,
        Id = stored.TrialId,
        // A trial still running when the scheduler stopped comes back running: a distributed fmin takes it over
        // (its result from the results queue, a worker or a new send), an in-process one records it as cancelled.
        State = stored.State is StoredTrialState.New or StoredTrialState.Running ? TrialState.Running : TrialState.Completed,
        Status = stored.Status,
        Loss = stored.Status == TrialStatus.Ok ? stored.Loss : null,
        LossVariance = stored.LossVariance,
        Vals = stored.RawValues,
        Parameters = new TrialParameters(stored.Parameters.Clone()),
        StartedAt = stored.StartedAt ?? DateTimeOffset.UnixEpoch,
        EndedAt = stored.EndedAt,
        Error = stored.ErrorType is null ? null : new TrialError(stored.ErrorType, stored.ErrorMessage ?? ""),
        Worker = stored.WorkerId,
        Attempts = Math.Max(1, stored.Attempts),
    };
}
