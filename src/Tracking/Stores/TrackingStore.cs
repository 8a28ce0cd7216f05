using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Stores;

/// <summary>
/// The tracking store over SQLite or Postgres: one schema, one set of SQL statements, parameters only.
/// Inputs are validated by the caller (<see cref="Client.TrackingClient"/>); every multi-row write is one transaction.
/// The schema is migrated on first use.
/// </summary>
internal sealed class TrackingStore(TrackingDatabase database, ILogger logger, TimeProvider timeProvider) : IAsyncDisposable
{
    private const string ExperimentColumns =
        "experiment_id AS ExperimentId, name AS Name, artifact_location AS ArtifactLocation, creation_time AS CreationTime";

    private const string RunColumns =
        "run_id AS RunId, experiment_id AS ExperimentId, run_name AS RunName, status AS Status, start_time AS StartTime, "
        + "end_time AS EndTime, parent_run_id AS ParentRunId, artifact_uri AS ArtifactUri";

    private const string TrialColumns =
        "trial_id AS TrialId, experiment_id AS ExperimentId, run_id AS RunId, parent_run_id AS ParentRunId, number AS Number, "
        + "state AS State, status AS Status, loss AS Loss, loss_variance AS LossVariance, raw_vals AS RawVals, params AS Params, "
        + "attempts AS Attempts, worker_id AS WorkerId, error_type AS ErrorType, error_message AS ErrorMessage, "
        + "started_at AS StartedAt, ended_at AS EndedAt";

    /// <summary>Tries of one operation when the connection is lost: about 12 s of back-off in all, enough for a server restart.</summary>
    private const int MaxAttempts = 8;

    private readonly SemaphoreSlim initializeLock = new(1, 1);
    private volatile bool initialized;

    public TrackingStoreKind Kind => database.Kind;

    /// <summary>Applies pending migrations once per store instance; safe to call from many threads and processes.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (initialized)
        {
            return;
        }

        await initializeLock.WaitAsync(cancellationToken);
        try
        {
            if (!initialized)
            {
                await Migrations.ApplyAsync(database, logger, timeProvider, cancellationToken);
                initialized = true;
            }
        }
        finally
        {
            initializeLock.Release();
        }
    }

    public Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        WithRetryAsync<int>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
        }, cancellationToken);

    /// <summary>Inserts the experiment unless its name is taken; returns false when it is.</summary>
    public Task<bool> TryInsertExperimentAsync(Experiment experiment, CancellationToken cancellationToken) =>
        WithRetryAsync<bool>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var inserted = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO experiments (experiment_id, name, artifact_location, creation_time)
                VALUES (@ExperimentId, @Name, @ArtifactLocation, @CreationTime)
                ON CONFLICT (name) DO NOTHING
                """,
                new
                {
                    experiment.ExperimentId,
                    experiment.Name,
                    experiment.ArtifactLocation,
                    CreationTime = experiment.CreationTime.ToUnixTimeMilliseconds(),
                },
                cancellationToken: cancellationToken));
            return inserted == 1;
        }, cancellationToken);

    public Task<Experiment?> GetExperimentAsync(string experimentId, CancellationToken cancellationToken) =>
        WithRetryAsync<Experiment?>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<ExperimentRow>(new CommandDefinition(
                $"SELECT {ExperimentColumns} FROM experiments WHERE experiment_id = @ExperimentId",
                new { ExperimentId = experimentId },
                cancellationToken: cancellationToken));
            return row is null ? null : ToExperiment(row);
        }, cancellationToken);

    public Task<Experiment?> GetExperimentByNameAsync(string name, CancellationToken cancellationToken) =>
        WithRetryAsync<Experiment?>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<ExperimentRow>(new CommandDefinition(
                $"SELECT {ExperimentColumns} FROM experiments WHERE name = @Name",
                new { Name = name },
                cancellationToken: cancellationToken));
            return row is null ? null : ToExperiment(row);
        }, cancellationToken);

    public Task<IReadOnlyList<Experiment>> ListExperimentsAsync(int limit, long offset, CancellationToken cancellationToken) =>
        WithRetryAsync<IReadOnlyList<Experiment>>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var rows = await connection.QueryAsync<ExperimentRow>(new CommandDefinition(
                $"SELECT {ExperimentColumns} FROM experiments ORDER BY creation_time DESC, experiment_id LIMIT @Limit OFFSET @Offset",
                new { Limit = limit, Offset = offset },
                cancellationToken: cancellationToken));
            return [.. rows.Select(ToExperiment)];
        }, cancellationToken);

    /// <summary>Inserts a run and its initial tags atomically; the experiment and the parent must exist.</summary>
    public Task InsertRunAsync(RunInfo run, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken) =>
        WithRetryAsync(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await database.BeginWriteTransactionAsync(connection, cancellationToken);
            var experimentExists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM experiments WHERE experiment_id = @ExperimentId",
                new { run.ExperimentId },
                transaction,
                cancellationToken: cancellationToken));
            if (experimentExists == 0)
            {
                throw new KeyNotFoundException($"experiment '{run.ExperimentId}' does not exist");
            }

            if (run.ParentRunId is not null)
            {
                var parentExperiment = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    "SELECT experiment_id FROM runs WHERE run_id = @ParentRunId",
                    new { run.ParentRunId },
                    transaction,
                    cancellationToken: cancellationToken));
                if (parentExperiment is null)
                {
                    throw new KeyNotFoundException($"parent run '{run.ParentRunId}' does not exist");
                }

                if (parentExperiment != run.ExperimentId)
                {
                    throw new ArgumentException(
                        $"parent run '{run.ParentRunId}' belongs to experiment '{parentExperiment}', not to '{run.ExperimentId}': a child run lives in its parent's experiment");
                }
            }

            // Run ids are random and made by this client, so a run already there is this insert's own earlier attempt
            // (its commit went through, its answer was lost with the connection): doing nothing makes the retry safe.
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO runs (run_id, experiment_id, run_name, status, start_time, end_time, parent_run_id, artifact_uri)
                VALUES (@RunId, @ExperimentId, @RunName, @Status, @StartTime, NULL, @ParentRunId, @ArtifactUri)
                ON CONFLICT (run_id) DO NOTHING
                """,
                new
                {
                    run.RunId,
                    run.ExperimentId,
                    run.RunName,
                    Status = FormatStatus(run.Status),
                    StartTime = run.StartTime.ToUnixTimeMilliseconds(),
                    run.ParentRunId,
                    run.ArtifactUri,
                },
                transaction,
                cancellationToken: cancellationToken));
            await UpsertTagsAsync(connection, transaction, run.RunId, tags, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);

    public Task<RunInfo?> GetRunInfoAsync(string runId, CancellationToken cancellationToken) =>
        WithRetryAsync<RunInfo?>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
                $"SELECT {RunColumns} FROM runs WHERE run_id = @RunId", new { RunId = runId }, cancellationToken: cancellationToken));
            return row is null ? null : ToRunInfo(row);
        }, cancellationToken);

    public Task<Run?> GetRunAsync(string runId, CancellationToken cancellationToken) =>
        WithRetryAsync<Run?>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var arguments = new { RunId = runId };
            var row = await connection.QuerySingleOrDefaultAsync<RunRow>(new CommandDefinition(
                $"SELECT {RunColumns} FROM runs WHERE run_id = @RunId", arguments, cancellationToken: cancellationToken));
            if (row is null)
            {
                return null;
            }

            var parameters = await connection.QueryAsync<KeyValueRow>(new CommandDefinition(
                "SELECT key AS Key, value AS Value FROM params WHERE run_id = @RunId", arguments, cancellationToken: cancellationToken));
            var tags = await connection.QueryAsync<KeyValueRow>(new CommandDefinition(
                "SELECT key AS Key, value AS Value FROM tags WHERE run_id = @RunId", arguments, cancellationToken: cancellationToken));
            var metrics = await connection.QueryAsync<MetricRow>(new CommandDefinition(
                "SELECT key AS Key, value AS Value, is_nan AS IsNan, step AS Step, timestamp AS Timestamp FROM latest_metrics WHERE run_id = @RunId",
                arguments,
                cancellationToken: cancellationToken));
            return new Run(
                ToRunInfo(row),
                parameters.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
                tags.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
                metrics.Select(ToMetric).ToDictionary(metric => metric.Key, StringComparer.Ordinal));
        }, cancellationToken);

    /// <summary>Sets the final status and end time of one run (never of its parent); false if the run does not exist.</summary>
    public Task<bool> EndRunAsync(string runId, RunStatus status, DateTimeOffset endTime, CancellationToken cancellationToken) =>
        WithRetryAsync<bool>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var updated = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE runs SET status = @Status, end_time = @EndTime WHERE run_id = @RunId",
                new { RunId = runId, Status = FormatStatus(status), EndTime = endTime.ToUnixTimeMilliseconds() },
                cancellationToken: cancellationToken));
            return updated == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<RunInfo>> SearchRunsAsync(RunSearch search, long offset, int limit, CancellationToken cancellationToken) =>
        WithRetryAsync<IReadOnlyList<RunInfo>>(async cancellationToken =>
        {
            var sql = new StringBuilder($"SELECT {RunColumns} FROM runs WHERE experiment_id = @ExperimentId");
            if (search.ParentRunId is not null)
            {
                sql.Append(" AND parent_run_id = @ParentRunId");
            }

            if (search.Status is not null)
            {
                sql.Append(" AND status = @Status");
            }

            sql.Append(" ORDER BY start_time DESC, run_id LIMIT @Limit OFFSET @Offset");
            await using var connection = await OpenAsync(cancellationToken);
            var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
                sql.ToString(),
                new
                {
                    search.ExperimentId,
                    search.ParentRunId,
                    Status = search.Status is { } value ? FormatStatus(value) : null,
                    Limit = limit,
                    Offset = offset,
                },
                cancellationToken: cancellationToken));
            return [.. rows.Select(ToRunInfo)];
        }, cancellationToken);

    /// <summary>
    /// Writes params (write-once), metrics (history and latest) and tags of one run in one transaction: either all of
    /// it is stored or, when a param conflicts or the run is missing, none of it.
    /// </summary>
    public Task LogBatchAsync(
        string runId,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        IReadOnlyList<Metric> metrics,
        IReadOnlyList<KeyValuePair<string, string>> tags,
        CancellationToken cancellationToken) =>
        WithRetryAsync(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await database.BeginWriteTransactionAsync(connection, cancellationToken);
            var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM runs WHERE run_id = @RunId", new { RunId = runId }, transaction, cancellationToken: cancellationToken));
            if (exists == 0)
            {
                throw new KeyNotFoundException($"run '{runId}' does not exist");
            }

            foreach (var (key, value) in parameters)
            {
                var arguments = new { RunId = runId, Key = key, Value = value };
                var inserted = await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO params (run_id, key, value) VALUES (@RunId, @Key, @Value) ON CONFLICT (run_id, key) DO NOTHING",
                    arguments,
                    transaction,
                    cancellationToken: cancellationToken));
                if (inserted == 0)
                {
                    var stored = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
                        "SELECT value FROM params WHERE run_id = @RunId AND key = @Key", arguments, transaction, cancellationToken: cancellationToken));
                    if (!string.Equals(stored, value, StringComparison.Ordinal))
                    {
                        throw new ParamConflictException(runId, key, stored ?? string.Empty, value);
                    }
                }
            }

            // An identical point (same key, step, timestamp and value) is stored once, as in MLflow, whose metrics key is
            // all of those: a retried batch whose first commit went through adds no duplicate history.
            foreach (var metric in metrics)
            {
                var arguments = new
                {
                    RunId = runId,
                    metric.Key,
                    // SQLite turns NaN into NULL, so NaN is a flag beside a placeholder value, as in MLflow's schema.
                    Value = double.IsNaN(metric.Value) ? 0d : metric.Value,
                    IsNan = double.IsNaN(metric.Value) ? 1 : 0,
                    metric.Step,
                    Timestamp = metric.Timestamp.ToUnixTimeMilliseconds(),
                };
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO metrics (run_id, key, value, is_nan, step, timestamp)
                    SELECT @RunId, @Key, @Value, @IsNan, @Step, @Timestamp
                    WHERE NOT EXISTS (
                        SELECT 1 FROM metrics
                        WHERE run_id = @RunId AND key = @Key AND step = @Step AND timestamp = @Timestamp AND value = @Value AND is_nan = @IsNan)
                    """,
                    arguments,
                    transaction,
                    cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO latest_metrics (run_id, key, value, is_nan, step, timestamp)
                    VALUES (@RunId, @Key, @Value, @IsNan, @Step, @Timestamp)
                    ON CONFLICT (run_id, key) DO UPDATE
                    SET value = excluded.value, is_nan = excluded.is_nan, step = excluded.step, timestamp = excluded.timestamp
                    WHERE excluded.step > latest_metrics.step
                       OR (excluded.step = latest_metrics.step AND excluded.timestamp >= latest_metrics.timestamp)
                    """,
                    arguments,
                    transaction,
                    cancellationToken: cancellationToken));
            }

            await UpsertTagsAsync(connection, transaction, runId, tags, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }, cancellationToken);

    public Task<IReadOnlyList<Metric>> GetMetricHistoryAsync(string runId, string key, CancellationToken cancellationToken) =>
        WithRetryAsync<IReadOnlyList<Metric>>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var rows = await connection.QueryAsync<MetricRow>(new CommandDefinition(
                """
                SELECT key AS Key, value AS Value, is_nan AS IsNan, step AS Step, timestamp AS Timestamp
                FROM metrics WHERE run_id = @RunId AND key = @Key ORDER BY step, timestamp, metric_id
                """,
                new { RunId = runId, Key = key },
                cancellationToken: cancellationToken));
            return [.. rows.Select(ToMetric)];
        }, cancellationToken);

    /// <summary>
    /// Inserts or updates a trial record keyed by its id. A record that already has a status is complete and stays as it
    /// is (first completion wins); returns whether this call changed the stored record.
    /// </summary>
    public Task<bool> UpsertTrialAsync(TrialRecord trial, CancellationToken cancellationToken) =>
        WithRetryAsync<bool>(async cancellationToken =>
        {
            await using var connection = await OpenAsync(cancellationToken);
            var changed = await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO trials (trial_id, experiment_id, run_id, parent_run_id, number, state, status, loss, loss_variance,
                                    raw_vals, params, attempts, worker_id, error_type, error_message, started_at, ended_at)
                VALUES (@TrialId, @ExperimentId, @RunId, @ParentRunId, @Number, @State, @Status, @Loss, @LossVariance,
                        @RawVals, @Params, @Attempts, @WorkerId, @ErrorType, @ErrorMessage, @StartedAt, @EndedAt)
                ON CONFLICT (trial_id) DO UPDATE
                SET state = excluded.state, status = excluded.status, loss = excluded.loss, loss_variance = excluded.loss_variance,
                    raw_vals = excluded.raw_vals, params = excluded.params, attempts = excluded.attempts,
                    worker_id = excluded.worker_id, error_type = excluded.error_type, error_message = excluded.error_message,
                    started_at = excluded.started_at, ended_at = excluded.ended_at
                WHERE trials.status IS NULL
                """,
                new
                {
                    TrialId = trial.TrialId.ToString("D"),
                    trial.ExperimentId,
                    trial.RunId,
                    trial.ParentRunId,
                    trial.Number,
                    State = FormatTrialState(trial.State),
                    Status = trial.Status is { } status ? FormatTrialStatus(status) : null,
                    trial.Loss,
                    trial.LossVariance,
                    RawVals = JsonSerializer.Serialize(trial.RawValues),
                    Params = trial.Parameters.ValueKind == JsonValueKind.Undefined ? "null" : trial.Parameters.GetRawText(),
                    trial.Attempts,
                    trial.WorkerId,
                    trial.ErrorType,
                    trial.ErrorMessage,
                    StartedAt = trial.StartedAt?.ToUnixTimeMilliseconds(),
                    EndedAt = trial.EndedAt?.ToUnixTimeMilliseconds(),
                },
                cancellationToken: cancellationToken));
            return changed == 1;
        }, cancellationToken);

    public Task<IReadOnlyList<TrialRecord>> ListTrialsAsync(string experimentId, string? parentRunId, CancellationToken cancellationToken) =>
        WithRetryAsync<IReadOnlyList<TrialRecord>>(async cancellationToken =>
        {
            var sql = $"SELECT {TrialColumns} FROM trials WHERE experiment_id = @ExperimentId"
                + (parentRunId is null ? string.Empty : " AND parent_run_id = @ParentRunId")
                + " ORDER BY number, trial_id";
            await using var connection = await OpenAsync(cancellationToken);
            var rows = await connection.QueryAsync<TrialRow>(new CommandDefinition(
                sql, new { ExperimentId = experimentId, ParentRunId = parentRunId }, cancellationToken: cancellationToken));
            return [.. rows.Select(ToTrial)];
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await database.DisposeAsync();
        initializeLock.Dispose();
    }

    /// <summary>
    /// Runs one store operation, again from the start on a fresh connection when the database dropped the connection
    /// under it (a Postgres restart or a terminated backend). Every write is idempotent, so an attempt whose commit
    /// went through but whose answer was lost does no harm when it runs again.
    /// </summary>
    private async Task<T> WithRetryAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken);
            }
            catch (Exception ex) when (attempt < MaxAttempts && database.IsConnectionLost(ex))
            {
                Log.TrackingConnectionLost(logger, ex, attempt, MaxAttempts);
                // The other pooled connections died with this one; new ones are opened for the next attempt.
                database.DropIdleConnections();
                var delay = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, attempt - 1), 2000));
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }
    }

    private async Task WithRetryAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        await WithRetryAsync<bool>(
            async token =>
            {
                await operation(token);
                return true;
            },
            cancellationToken);

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await database.OpenConnectionAsync(cancellationToken);
    }

    private static async Task UpsertTagsAsync(
        DbConnection connection,
        DbTransaction transaction,
        string runId,
        IReadOnlyList<KeyValuePair<string, string>> tags,
        CancellationToken cancellationToken)
    {
        foreach (var (key, value) in tags)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO tags (run_id, key, value) VALUES (@RunId, @Key, @Value) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value",
                new { RunId = runId, Key = key, Value = value },
                transaction,
                cancellationToken: cancellationToken));
        }
    }

    private static Experiment ToExperiment(ExperimentRow row) =>
        new(row.ExperimentId, row.Name, row.ArtifactLocation, DateTimeOffset.FromUnixTimeMilliseconds(row.CreationTime));

    private static RunInfo ToRunInfo(RunRow row) => new(
        row.RunId,
        row.ExperimentId,
        row.RunName,
        ParseStatus(row.Status),
        DateTimeOffset.FromUnixTimeMilliseconds(row.StartTime),
        row.EndTime is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
        row.ParentRunId,
        row.ArtifactUri);

    private static Metric ToMetric(MetricRow row) => new(
        row.Key,
        row.IsNan != 0 ? double.NaN : row.Value,
        row.Step,
        DateTimeOffset.FromUnixTimeMilliseconds(row.Timestamp));

    private static TrialRecord ToTrial(TrialRow row)
    {
        using var parameters = JsonDocument.Parse(row.Params);
        return new TrialRecord
        {
            TrialId = Guid.Parse(row.TrialId, CultureInfo.InvariantCulture),
            ExperimentId = row.ExperimentId,
            RunId = row.RunId,
            ParentRunId = row.ParentRunId,
            Number = checked((int)row.Number),
            State = Enum.Parse<TrialState>(row.State, ignoreCase: true),
            Status = row.Status is null ? null : ParseTrialStatus(row.Status),
            Loss = row.Loss,
            LossVariance = row.LossVariance,
            RawValues = JsonSerializer.Deserialize<Dictionary<string, double?>>(row.RawVals) ?? [],
            Parameters = parameters.RootElement.Clone(),
            Attempts = checked((int)row.Attempts),
            WorkerId = row.WorkerId,
            ErrorType = row.ErrorType,
            ErrorMessage = row.ErrorMessage,
            StartedAt = row.StartedAt is { } started ? DateTimeOffset.FromUnixTimeMilliseconds(started) : null,
            EndedAt = row.EndedAt is { } ended ? DateTimeOffset.FromUnixTimeMilliseconds(ended) : null,
        };
    }

    private static string FormatStatus(RunStatus status) => status.ToString().ToUpperInvariant();

    private static RunStatus ParseStatus(string status) => Enum.Parse<RunStatus>(status, ignoreCase: true);

    private static string FormatTrialState(TrialState state) => state.ToString().ToLowerInvariant();

    private static string FormatTrialStatus(TrialStatus status) => status switch
    {
        TrialStatus.Ok => "ok",
        TrialStatus.Fail => "fail",
        TrialStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "unknown trial status"),
    };

    private static TrialStatus ParseTrialStatus(string status) => status switch
    {
        "ok" => TrialStatus.Ok,
        "fail" => TrialStatus.Fail,
        "cancelled" => TrialStatus.Cancelled,
        _ => throw new InvalidOperationException($"the store holds an unknown trial status '{status}'"),
    };
}
