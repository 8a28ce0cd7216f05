using System.Globalization;
using HyperQueue.Contracts;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Like hyperopt's <c>Trials</c>: the store of an experiment's trials, finished and running. Pass the same
/// instance (or one loaded with <see cref="LoadAsync"/>) to <see cref="FMin"/> again to resume: <c>maxEvals</c>
/// counts every trial in the store. Objectives run in-process; the distributed store derives from this class.
/// Thread-safe.
/// </summary>
public class Trials
{
    private readonly Lock _gate = new();
    private readonly List<TrialRecord> _trials = [];
    private readonly Dictionary<Guid, int> _indexById = [];
    private readonly List<TrialRecord> _completed = [];
    private int _running;

    public Trials()
        : this(Guid.NewGuid(), seed: null)
    {
    }

    internal Trials(Guid experimentId, long? seed)
    {
        ExperimentId = experimentId;
        Seed = seed;
    }

    /// <summary>Identifies the experiment across resumes; objectives see it as <c>ObjectiveContext.ExperimentId</c>.</summary>
    public Guid ExperimentId { get; }

    /// <summary>The seed of the first fmin call on this store; a resumed fmin without a seed reuses it.</summary>
    public long? Seed { get; internal set; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _trials.Count;
            }
        }
    }

    /// <summary>Every trial by number, like hyperopt's <c>trials.trials</c> (a snapshot).</summary>
    public IReadOnlyList<TrialRecord> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _trials];
            }
        }
    }

    /// <summary>The completed trials in the order they completed (a snapshot).</summary>
    public IReadOnlyList<TrialRecord> Completed
    {
        get
        {
            lock (_gate)
            {
                return [.. _completed];
            }
        }
    }

    /// <summary>Like hyperopt's <c>trials.losses()</c>: the loss of each trial by number, null unless it is ok.</summary>
    public IReadOnlyList<double?> Losses => [.. All.Select(trial => trial.IsOk ? trial.Loss : null)];

    /// <summary>Like hyperopt's <c>trials.statuses()</c>: the status of each trial by number, null while running.</summary>
    public IReadOnlyList<TrialStatus?> Statuses => [.. All.Select(trial => trial.Status)];

    public TrialCounts Counts
    {
        get
        {
            var all = All;
            return new TrialCounts(
                all.Count,
                all.Count(trial => trial.Status == TrialStatus.Ok),
                all.Count(trial => trial.Status == TrialStatus.Fail),
                all.Count(trial => trial.Status == TrialStatus.Cancelled));
        }
    }

    /// <summary>
    /// Like hyperopt's <c>trials.best_trial</c>: the ok trial with the lowest loss (the earliest on a tie).
    /// Throws <see cref="AllTrialsFailedException"/> when no trial is ok.
    /// </summary>
    public TrialRecord BestTrial => FindBestTrial() ?? throw new AllTrialsFailedException(
        string.Create(CultureInfo.InvariantCulture, $"no trial finished with status ok ({Counts}), so there is no best trial"));

    /// <summary>
    /// Like hyperopt's <c>trials.argmin</c>: the raw values of the best trial (choice as option index), active
    /// labels only. Throws <see cref="AllTrialsFailedException"/> when no trial is ok.
    /// </summary>
    public IReadOnlyDictionary<string, double> Argmin => ActiveVals(BestTrial);

    /// <summary>The evaluated parameters of the best trial (hyperopt's <c>space_eval(space, argmin)</c>).</summary>
    public TrialParameters BestParameters => BestTrial.Parameters;

    /// <summary>The trial with this id; throws <see cref="KeyNotFoundException"/> naming it when absent.</summary>
    public TrialRecord this[Guid id]
    {
        get
        {
            lock (_gate)
            {
                return _indexById.TryGetValue(id, out var index)
                    ? _trials[index]
                    : throw new KeyNotFoundException($"trial {id} is not in this trials store");
            }
        }
    }

    /// <summary>Writes the store to a JSON file atomically (a temporary file then a rename); lossless.</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = ToJson();
        var fullPath = Path.GetFullPath(path);
        var temporaryPath = fullPath + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await File.WriteAllTextAsync(temporaryPath, json, cancellationToken);
            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporaryPath);
        }
    }

    /// <summary>Reads a store written by <see cref="SaveAsync"/>; pass it to fmin to resume the experiment.</summary>
    public static async Task<Trials> LoadAsync(string path, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = await File.ReadAllTextAsync(path, cancellationToken);
        return FromJson(json);
    }

    /// <summary>The store as JSON: doubles round-trip, +infinity as "Infinity", evaluated parameters verbatim.</summary>
    public string ToJson()
    {
        lock (_gate)
        {
            return TrialsJson.Serialize(ExperimentId, Seed, _trials);
        }
    }

    /// <summary>Reads JSON written by <see cref="ToJson"/>; a malformed document fails naming the field.</summary>
    public static Trials FromJson(string json)
    {
        var (experimentId, seed, records) = TrialsJson.Deserialize(json);
        var trials = new Trials(experimentId, seed);
        trials.Restore(records);
        return trials;
    }

    /// <summary>
    /// Marks the store as used by one fmin call until the returned handle is disposed: a second concurrent call
    /// would count the first one's running trials as its own and cancel them as orphans.
    /// </summary>
    internal IDisposable BeginRun()
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                $"trials: experiment {ExperimentId} is already being run by another fmin call; use one store per concurrent call");
        }

        return new RunHandle(this);
    }

    /// <summary>Puts back the records of an earlier run of the experiment (from a file or the tracking store).</summary>
    internal void Restore(IEnumerable<TrialRecord> records)
    {
        foreach (var record in records.OrderBy(record => record.Number))
        {
            Insert(record);
        }

        lock (_gate)
        {
            _completed.AddRange(_trials
                .Where(record => record.State == TrialState.Completed)
                .OrderBy(record => record.EndedAt)
                .ThenBy(record => record.Number));
        }
    }

    /// <summary>How this store gets trials evaluated: in-process here; the distributed store dispatches to workers.</summary>
    internal virtual ITrialRunner CreateRunner(TrialRunnerContext context) => new LocalTrialRunner(context);

    /// <summary>Called once per fmin call before <see cref="CreateRunner"/>; the local store needs nothing.</summary>
    internal virtual Task PrepareAsync(int evaluationsRemaining, DateTimeOffset? deadline, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    internal int NextNumber
    {
        get
        {
            lock (_gate)
            {
                return _trials.Count == 0 ? 0 : _trials[^1].Number + 1;
            }
        }
    }

    internal TrialRecord? FindBestTrial()
    {
        lock (_gate)
        {
            TrialRecord? best = null;
            foreach (var trial in _trials)
            {
                if (trial.IsOk && (best is null || trial.Loss < best.Loss))
                {
                    best = trial;
                }
            }

            return best;
        }
    }

    internal static IReadOnlyDictionary<string, double> ActiveVals(TrialRecord trial) =>
        trial.Vals
            .Where(pair => pair.Value is not null)
            .ToDictionary(pair => pair.Key, pair => pair.Value!.Value, StringComparer.Ordinal);

    internal TrialRecord AddRunning(
        Guid id,
        IReadOnlyDictionary<string, double?> vals,
        TrialParameters parameters,
        DateTimeOffset startedAt)
    {
        lock (_gate)
        {
            var record = new TrialRecord
            {
                Number = _trials.Count == 0 ? 0 : _trials[^1].Number + 1,
                Id = id,
                State = TrialState.Running,
                Vals = vals,
                Parameters = parameters,
                StartedAt = startedAt,
            };
            Insert(record);
            return record;
        }
    }

    /// <summary>Records the (normalized) result of a running trial; the first completion wins.</summary>
    internal TrialRecord Complete(Guid id, ObjectiveResult result, DateTimeOffset endedAt, string? worker = null, int attempts = 1)
    {
        var normalized = result.Normalize();
        lock (_gate)
        {
            if (!_indexById.TryGetValue(id, out var index))
            {
                throw new KeyNotFoundException($"trial {id} is not in this trials store");
            }

            var running = _trials[index];
            if (running.State == TrialState.Completed)
            {
                return running;
            }

            var completed = running with
            {
                State = TrialState.Completed,
                Status = normalized.Status,
                Loss = normalized.Status == TrialStatus.Ok ? normalized.Loss : null,
                LossVariance = normalized.LossVariance,
                TrueLoss = normalized.TrueLoss,
                Error = normalized.Status == TrialStatus.Ok ? null : normalized.Error,
                Attachments = normalized.Attachments ?? TrialRecord.EmptyAttachments,
                EndedAt = endedAt,
                Worker = worker,
                Attempts = attempts,
            };
            _trials[index] = completed;
            _completed.Add(completed);
            return completed;
        }
    }

    private void Insert(TrialRecord record)
    {
        lock (_gate)
        {
            if (_trials.Count > 0 && record.Number <= _trials[^1].Number)
            {
                throw new InvalidOperationException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"trial number {record.Number} must be greater than the last one ({_trials[^1].Number})"));
            }

            if (!_indexById.TryAdd(record.Id, _trials.Count))
            {
                throw new InvalidOperationException($"trial id {record.Id} is already in this trials store");
            }

            _trials.Add(record);
        }
    }

    private sealed class RunHandle(Trials trials) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Volatile.Write(ref trials._running, 0);
            }
        }
    }
}
