using System.Data.Common;
using System.Globalization;
using HyperQueue.Tracking.Artifacts;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Stores;
using HyperQueue.Tracking.Trials;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HyperQueue.Tracking.Client;

/// <summary>
/// MLflow-shaped tracking client (<c>mlflow.MlflowClient</c> plus the fluent <c>mlflow.start_run</c>/<c>active_run</c>)
/// over a SQLite or Postgres store. Thread-safe; create one per process and dispose it at the end.
/// </summary>
public sealed class TrackingClient : IAsyncDisposable
{
    /// <summary>The tag MLflow uses to link a child run to its parent.</summary>
    public const string ParentRunIdTag = "mlflow.parentRunId";

    /// <summary>The tag MLflow uses for a run's display name.</summary>
    public const string RunNameTag = "mlflow.runName";

    private readonly TrackingStore store;
    private readonly ArtifactStore artifacts;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly AsyncLocal<ActiveRun?> activeRun = new();

    internal TrackingClient(TrackingStore store, ArtifactStore artifacts, TimeProvider timeProvider, ILogger logger)
    {
        this.store = store;
        this.artifacts = artifacts;
        this.timeProvider = timeProvider;
        this.logger = logger;
    }

    /// <summary>
    /// The innermost run started with <c>makeActive: true</c> in this async flow that has not ended yet
    /// (MLflow's <c>mlflow.active_run()</c>); null when there is none.
    /// </summary>
    public ActiveRun? ActiveRun
    {
        get
        {
            var run = activeRun.Value;
            while (run is not null && run.IsEnded)
            {
                run = run.Previous;
            }

            return run;
        }
    }

    /// <summary>Creates a client for a tracking URI: <c>sqlite:&lt;path&gt;</c>, <c>postgres://…</c> or an Npgsql connection string.</summary>
    /// <param name="trackingUri">Where runs are stored.</param>
    /// <param name="artifactRoot">Folder for artifact files; defaults to <c>hyperqueue-artifacts</c> beside a SQLite file, else in the working directory.</param>
    /// <param name="timeProvider">Clock for run and metric times; the system clock by default.</param>
    /// <param name="loggerFactory">Logging; none by default.</param>
    /// <exception cref="FormatException">The URI is none of the accepted forms; the message names it and lists them.</exception>
    /// <exception cref="NotSupportedException">The URI is a tracking service (<c>http(s)://</c>), which needs the HTTP client, not a store.</exception>
    public static TrackingClient Create(
        string trackingUri,
        string? artifactRoot = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        var uri = TrackingUri.Parse(trackingUri);
        var clock = timeProvider ?? TimeProvider.System;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TrackingClient>();
        var root = artifactRoot
            ?? Path.Combine(Path.GetDirectoryName(uri.SqlitePath) ?? Directory.GetCurrentDirectory(), TrackingOptions.DefaultArtifactFolder);
        return new TrackingClient(new TrackingStore(TrackingDatabase.Create(uri), logger, clock), new ArtifactStore(root), clock, logger);
    }

    /// <summary>Checks that <paramref name="trackingUri"/> is one of the accepted forms, without opening the store.</summary>
    /// <exception cref="FormatException">The URI is none of the accepted forms; the message names it and lists them.</exception>
    /// <exception cref="NotSupportedException">The URI is a tracking service (<c>http(s)://</c>).</exception>
    public static void ValidateUri(string trackingUri) => TrackingUri.Parse(trackingUri);

    /// <summary>Creates a client from validated options (the DI path).</summary>
    public static TrackingClient Create(TrackingOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options.Uri, options.ArtifactRoot, timeProvider, loggerFactory);
    }

    /// <summary>The folder that holds every experiment's artifacts.</summary>
    public string ArtifactRoot => artifacts.Root;

    /// <summary>Applies pending schema migrations now instead of on first use.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => store.InitializeAsync(cancellationToken);

    /// <summary>The schema version of the store (after migrating it).</summary>
    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) => store.GetSchemaVersionAsync(cancellationToken);

    /// <summary>MLflow's <c>create_experiment</c>: fails if the name is taken.</summary>
    public async Task<Experiment> CreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        RunDataRules.Name("experiment", name);
        var experiment = NewExperiment(name);
        return await store.TryInsertExperimentAsync(experiment, cancellationToken)
            ? experiment
            : throw new InvalidOperationException($"experiment name '{name}' is already taken; names are unique (use GetOrCreateExperimentAsync to reuse it)");
    }

    /// <summary>MLflow's <c>set_experiment</c>: the experiment with this name, created if missing; safe under concurrent callers.</summary>
    public async Task<Experiment> GetOrCreateExperimentAsync(string name, CancellationToken cancellationToken = default)
    {
        RunDataRules.Name("experiment", name);
        var existing = await store.GetExperimentByNameAsync(name, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var experiment = NewExperiment(name);
        if (await store.TryInsertExperimentAsync(experiment, cancellationToken))
        {
            return experiment;
        }

        // Another writer created it between the read and the insert: theirs is the one.
        return await store.GetExperimentByNameAsync(name, cancellationToken)
            ?? throw new InvalidOperationException($"experiment '{name}' was reported as existing but cannot be read back");
    }

    /// <summary>MLflow's <c>get_experiment</c>; null if there is none with this id.</summary>
    public Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experimentId);
        return store.GetExperimentAsync(experimentId, cancellationToken);
    }

    /// <summary>MLflow's <c>get_experiment_by_name</c>; null if there is none with this name.</summary>
    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return store.GetExperimentByNameAsync(name, cancellationToken);
    }

    /// <summary>The experiment with this id, else the one with this name (what <c>hq experiments show NAME|ID</c> takes); null if neither.</summary>
    public async Task<Experiment?> FindExperimentAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        return await store.GetExperimentAsync(nameOrId, cancellationToken)
            ?? await store.GetExperimentByNameAsync(nameOrId, cancellationToken);
    }

    /// <summary>MLflow's <c>search_experiments</c>: newest first, <paramref name="maxResults"/> per page.</summary>
    public async Task<Page<Experiment>> SearchExperimentsAsync(
        int maxResults = RunSearch.MaxPageSize,
        string? pageToken = null,
        CancellationToken cancellationToken = default)
    {
        CheckPageSize(maxResults);
        var offset = ParsePageToken(pageToken);
        var items = await store.ListExperimentsAsync(maxResults + 1, offset, cancellationToken);
        return ToPage(items, maxResults, offset);
    }

    /// <summary>
    /// MLflow's <c>MlflowClient.create_run</c>: a RUNNING run with a new 32-hex id, optionally a child of
    /// <paramref name="parentRunId"/> (recorded as <see cref="ParentRunIdTag"/> too). The caller ends it with
    /// <see cref="EndRunAsync"/>.
    /// </summary>
    public async Task<RunInfo> CreateRunAsync(
        string experimentId,
        string? runName = null,
        string? parentRunId = null,
        IReadOnlyDictionary<string, string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        var run = PrepareRun(experimentId, runName, parentRunId, tags, out var allTags);
        await store.InsertRunAsync(run, allTags, cancellationToken);
        Log.RunStarted(logger, run.RunId, run.ExperimentId, run.ParentRunId);
        return run;
    }

    /// <summary>
    /// MLflow's <c>mlflow.start_run</c>: creates a run and returns a handle that logs into it and ends it when disposed
    /// (FINISHED). With <paramref name="makeActive"/> the run becomes <see cref="ActiveRun"/> for this async flow until
    /// it ends. <c>await using var run = await client.StartRunAsync(id, makeActive: true);</c>
    /// </summary>
    public Task<ActiveRun> StartRunAsync(
        string experimentId,
        string? runName = null,
        string? parentRunId = null,
        IReadOnlyDictionary<string, string>? tags = null,
        bool makeActive = false,
        CancellationToken cancellationToken = default)
    {
        var info = PrepareRun(experimentId, runName, parentRunId, tags, out var allTags);
        var handle = new ActiveRun(this, info, makeActive ? activeRun.Value : null, makeActive);

        // Set here, in a method that is not async, so the value flows back to the caller's async context; an async
        // method's AsyncLocal writes are undone when it returns. If the insert fails, the handle counts as ended and
        // ActiveRun skips it.
        if (makeActive)
        {
            activeRun.Value = handle;
        }

        return InsertAsync();

        async Task<ActiveRun> InsertAsync()
        {
            try
            {
                await store.InsertRunAsync(info, allTags, cancellationToken);
            }
            catch
            {
                handle.MarkEnded();
                throw;
            }

            Log.RunStarted(logger, info.RunId, info.ExperimentId, info.ParentRunId);
            return handle;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> inside a new active run and ends it by outcome: FINISHED on return, KILLED when the
    /// body is cancelled, FAILED (with tags <c>error.type</c>/<c>error.message</c>) when it throws. The exception is rethrown.
    /// </summary>
    public async Task<T> RunInActiveRunAsync<T>(
        string experimentId,
        Func<ActiveRun, CancellationToken, Task<T>> body,
        string? runName = null,
        string? parentRunId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        await using var run = await StartRunAsync(experimentId, runName, parentRunId, makeActive: true, cancellationToken: cancellationToken);
        try
        {
            return await body(run, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await run.EndAsync(RunStatus.Killed, CancellationToken.None);
            throw;
        }
        catch (Exception exception)
        {
            try
            {
                await run.FailAsync(exception, CancellationToken.None);
            }
            catch (Exception endFailure) when (endFailure is DbException or IOException or TimeoutException)
            {
                // The body's exception is the one the caller needs; a store outage while recording it is only logged.
                Log.RunEndFailed(logger, endFailure, run.RunId, RunStatus.Failed);
            }

            throw;
        }
    }

    /// <summary>MLflow's <c>get_run</c>: info, params, tags and latest metrics; null if there is no such run.</summary>
    public Task<Run?> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return store.GetRunAsync(runId, cancellationToken);
    }

    /// <summary>MLflow's <c>set_terminated</c>: ends exactly this run (never its parent) with <paramref name="status"/>.</summary>
    public async Task EndRunAsync(string runId, RunStatus status = RunStatus.Finished, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        if (!await store.EndRunAsync(runId, status, timeProvider.GetUtcNow(), cancellationToken))
        {
            throw new KeyNotFoundException($"run '{runId}' does not exist");
        }

        Log.RunEnded(logger, runId, status);
    }

    /// <summary>MLflow's <c>search_runs</c> with experiment, parent and status filters; newest first, paged.</summary>
    public async Task<Page<RunInfo>> SearchRunsAsync(RunSearch search, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentNullException.ThrowIfNull(search.ExperimentId);
        CheckPageSize(search.MaxResults);
        var offset = ParsePageToken(search.PageToken);
        var items = await store.SearchRunsAsync(search, offset, search.MaxResults + 1, cancellationToken);
        return ToPage(items, search.MaxResults, offset);
    }

    /// <summary>An <see cref="IRunLogger"/> for an existing run, e.g. a trial's child run handed to its objective.</summary>
    public RunLogger GetRunLogger(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return new RunLogger(this, runId);
    }

    /// <summary>MLflow's <c>log_param</c>: write-once; the same value again is a no-op, another value throws <see cref="ParamConflictException"/>.</summary>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        LogBatchAsync(runId, parameters: [new(key, value)], cancellationToken: cancellationToken);

    /// <summary>MLflow's <c>log_metric</c>: appends to the metric's history; the timestamp defaults to now.</summary>
    public Task LogMetricAsync(
        string runId,
        string key,
        double value,
        long step = 0,
        DateTimeOffset? timestamp = null,
        CancellationToken cancellationToken = default) =>
        LogBatchAsync(runId, metrics: [new Metric(key, value, step, timestamp ?? timeProvider.GetUtcNow())], cancellationToken: cancellationToken);

    /// <summary>MLflow's <c>set_tag</c>: inserts or replaces the tag.</summary>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        LogBatchAsync(runId, tags: [new(key, value)], cancellationToken: cancellationToken);

    /// <summary>
    /// MLflow's <c>log_batch</c>: params, metrics and tags of one run, validated first and written in one transaction
    /// (all or nothing). Keys are at most 250 characters; params at most 6000, tags at most 8000; no NUL characters.
    /// </summary>
    public async Task LogBatchAsync(
        string runId,
        IEnumerable<Metric>? metrics = null,
        IEnumerable<KeyValuePair<string, string>>? parameters = null,
        IEnumerable<KeyValuePair<string, string>>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var metricList = metrics?.ToList() ?? [];
        var paramList = parameters?.ToList() ?? [];
        var tagList = tags?.ToList() ?? [];
        foreach (var metric in metricList)
        {
            RunDataRules.Key("metric", metric.Key);
        }

        foreach (var (key, value) in paramList)
        {
            RunDataRules.Key("param", key);
            RunDataRules.Value("param", key, value, RunDataRules.MaxParamValueLength);
        }

        foreach (var (key, value) in tagList)
        {
            RunDataRules.Key("tag", key);
            RunDataRules.Value("tag", key, value, RunDataRules.MaxTagValueLength);
        }

        var duplicate = paramList.GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .FirstOrDefault(group => group.Select(pair => pair.Value).Distinct(StringComparer.Ordinal).Count() > 1);
        if (duplicate is not null)
        {
            var values = duplicate.Select(pair => pair.Value).Distinct(StringComparer.Ordinal).Take(2).ToArray();
            throw new ParamConflictException(runId, duplicate.Key, values[0], values[1]);
        }

        // Rows in key order (stable, so a key's own values keep their order): concurrent batches on one run then
        // lock rows in the same order and cannot deadlock each other in Postgres.
        await store.LogBatchAsync(
            runId,
            [.. paramList.DistinctBy(pair => pair.Key, StringComparer.Ordinal).OrderBy(pair => pair.Key, StringComparer.Ordinal)],
            [.. metricList.OrderBy(metric => metric.Key, StringComparer.Ordinal)],
            [.. tagList.OrderBy(pair => pair.Key, StringComparer.Ordinal)],
            cancellationToken);
    }

    /// <summary>MLflow's <c>get_metric_history</c>: every value of one metric, by step then time.</summary>
    public Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(key);
        return store.GetMetricHistoryAsync(runId, key, cancellationToken);
    }

    /// <summary>
    /// MLflow's <c>log_artifact</c>: copies a local file to <c>&lt;artifactRoot&gt;/&lt;experimentId&gt;/&lt;runId&gt;/artifacts/&lt;artifactPath&gt;</c>.
    /// <paramref name="artifactPath"/> is the stored name (default: the file's name): relative, no '..', no drive or
    /// leading '/'. Returns the stored name.
    /// </summary>
    public async Task<string> LogArtifactAsync(string runId, string localPath, string? artifactPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(localPath);
        if (artifactPath is not null)
        {
            ArtifactPath.Normalize(artifactPath);
        }

        var run = await store.GetRunInfoAsync(runId, cancellationToken) ?? throw new KeyNotFoundException($"run '{runId}' does not exist");
        return await ArtifactStore.CopyAsync(run.ArtifactUri, localPath, artifactPath, cancellationToken);
    }

    /// <summary>MLflow's <c>list_artifacts</c> (recursive): the stored names of a run's artifacts, sorted.</summary>
    public async Task<IReadOnlyList<string>> ListArtifactsAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var run = await store.GetRunInfoAsync(runId, cancellationToken) ?? throw new KeyNotFoundException($"run '{runId}' does not exist");
        return ArtifactStore.List(run.ArtifactUri);
    }

    /// <summary>
    /// Stores a trial record keyed by <see cref="TrialRecord.TrialId"/>. Once a record has a status it is complete and
    /// later upserts leave it unchanged (first completion wins); returns whether this call changed the stored record.
    /// </summary>
    public Task<bool> UpsertTrialAsync(TrialRecord trial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (trial.Number < 0)
        {
            throw new ArgumentException($"trial {trial.TrialId}: number ({trial.Number}) must be zero or more", nameof(trial));
        }

        if (trial.Loss is { } loss && double.IsNaN(loss))
        {
            throw new ArgumentException($"trial {trial.TrialId}: loss is NaN; a NaN loss is a failed trial (status fail, no loss)", nameof(trial));
        }

        if (trial.Status is not null && trial.State is TrialState.New or TrialState.Running)
        {
            throw new ArgumentException(
                $"trial {trial.TrialId}: state {trial.State} cannot have status {trial.Status}; a status marks a completed trial", nameof(trial));
        }

        // The error text is the objective's (an exception message, a program's stderr): cleaned and cut like a tag
        // value, so a megabyte message or a NUL (which Postgres text cannot hold) does not fail the write.
        return store.UpsertTrialAsync(
            trial with
            {
                ErrorType = trial.ErrorType is { } type ? RunDataRules.ToStorableTagValue(type) : null,
                ErrorMessage = trial.ErrorMessage is { } message ? RunDataRules.ToStorableTagValue(message) : null,
            },
            cancellationToken);
    }

    /// <summary>
    /// Free text (an exception message, a stderr tail) made storable as a tag value: NUL removed, unpaired
    /// surrogates replaced by U+FFFD, cut to MLflow's 8,000-character tag limit (as MLflow's autologging truncates).
    /// </summary>
    public static string ToStorableTagValue(string text) => RunDataRules.ToStorableTagValue(text);

    /// <summary>
    /// Why <paramref name="key"/> cannot be a param key (the rule <see cref="LogBatchAsync"/> applies: not empty, at
    /// most 250 characters, no NUL, valid Unicode), or null if it can; e.g. "contains U+0000 at index 1; the store
    /// cannot hold NUL characters". For callers that reject their input before anything is stored.
    /// </summary>
    public static string? ParamKeyProblem(string key) => RunDataRules.KeyProblem(key);

    /// <summary>Why <paramref name="value"/> cannot be a param value (at most 6000 characters, no NUL, valid Unicode), or null if it can.</summary>
    public static string? ParamValueProblem(string value) => RunDataRules.ValueProblem(value, RunDataRules.MaxParamValueLength);

    /// <summary>The trial records of an experiment (optionally of one parent run), by trial number: what resuming reads.</summary>
    public Task<IReadOnlyList<TrialRecord>> ListTrialsAsync(string experimentId, string? parentRunId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(experimentId);
        return store.ListTrialsAsync(experimentId, parentRunId, cancellationToken);
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();

    internal void LogEndFailure(Exception exception, string runId, RunStatus status) => Log.RunEndFailed(logger, exception, runId, status);

    /// <summary>Puts the previous active run back when <paramref name="run"/> ends; only from a non-async caller, so it flows.</summary>
    internal void RestoreActive(ActiveRun run)
    {
        if (ReferenceEquals(activeRun.Value, run))
        {
            activeRun.Value = run.Previous;
        }
    }

    private RunInfo PrepareRun(
        string experimentId,
        string? runName,
        string? parentRunId,
        IReadOnlyDictionary<string, string>? tags,
        out List<KeyValuePair<string, string>> allTags)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        if (runName is not null)
        {
            RunDataRules.Name("run", runName);
        }

        allTags = [];
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            RunDataRules.Key("tag", key);
            RunDataRules.Value("tag", key, value, RunDataRules.MaxTagValueLength);
            allTags.Add(new(key, value));
        }

        if (parentRunId is not null)
        {
            allTags.RemoveAll(tag => tag.Key == ParentRunIdTag);
            allTags.Add(new(ParentRunIdTag, parentRunId));
        }

        if (runName is not null)
        {
            allTags.RemoveAll(tag => tag.Key == RunNameTag);
            allTags.Add(new(RunNameTag, runName));
        }

        var runId = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        return new RunInfo(
            runId,
            experimentId,
            runName,
            RunStatus.Running,
            TruncateToMilliseconds(timeProvider.GetUtcNow()),
            EndTime: null,
            parentRunId,
            artifacts.RunLocation(experimentId, runId));
    }

    private Experiment NewExperiment(string name)
    {
        var experimentId = Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture);
        return new Experiment(experimentId, name, artifacts.ExperimentLocation(experimentId), TruncateToMilliseconds(timeProvider.GetUtcNow()));
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static void CheckPageSize(int maxResults)
    {
        if (maxResults is < 1 or > RunSearch.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxResults), maxResults, $"maxResults ({maxResults}) must be between 1 and {RunSearch.MaxPageSize}");
        }
    }

    private static long ParsePageToken(string? pageToken)
    {
        if (pageToken is null)
        {
            return 0;
        }

        return long.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new ArgumentException($"page token '{pageToken}' is not one this store issued (a NextPageToken)", nameof(pageToken));
    }

    private static Page<T> ToPage<T>(IReadOnlyList<T> items, int maxResults, long offset) =>
        items.Count > maxResults
            ? new Page<T>([.. items.Take(maxResults)], (offset + maxResults).ToString(CultureInfo.InvariantCulture))
            : new Page<T>(items, null);
}
