using Dapper;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Tracking.Stores;

/// <summary>
/// Versioned schema shared by SQLite and Postgres. Each migration runs once, in order, inside one write
/// transaction that also records its version, under a lock, so concurrent starters apply it exactly once.
/// Times are BIGINT milliseconds since the Unix epoch and ids are text (as MLflow's schema), which keeps one
/// DDL valid on both databases; <c>{identity}</c> is the only per-database fragment.
/// </summary>
internal static class Migrations
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE experiments (
            experiment_id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            artifact_location TEXT NOT NULL,
            creation_time BIGINT NOT NULL
        );
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
            run_name TEXT NULL,
            status TEXT NOT NULL,
            start_time BIGINT NOT NULL,
            end_time BIGINT NULL,
            parent_run_id TEXT NULL REFERENCES runs (run_id),
            artifact_uri TEXT NOT NULL
        );
        CREATE INDEX ix_runs_experiment ON runs (experiment_id, start_time);
        CREATE INDEX ix_runs_parent ON runs (parent_run_id);
        CREATE TABLE params (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE TABLE tags (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE TABLE metrics (
            metric_id {identity},
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            is_nan INTEGER NOT NULL,
            step BIGINT NOT NULL,
            timestamp BIGINT NOT NULL
        );
        CREATE INDEX ix_metrics_run_key ON metrics (run_id, key, step);
        CREATE TABLE latest_metrics (
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            key TEXT NOT NULL,
            value DOUBLE PRECISION NOT NULL,
            is_nan INTEGER NOT NULL,
            step BIGINT NOT NULL,
            timestamp BIGINT NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE TABLE trials (
            trial_id TEXT PRIMARY KEY,
            experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
            run_id TEXT NOT NULL REFERENCES runs (run_id),
            parent_run_id TEXT NULL REFERENCES runs (run_id),
            number INTEGER NOT NULL,
            state TEXT NOT NULL,
            status TEXT NULL,
            loss DOUBLE PRECISION NULL,
            loss_variance DOUBLE PRECISION NULL,
            raw_vals TEXT NOT NULL,
            params TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            worker_id TEXT NULL,
            error_type TEXT NULL,
            error_message TEXT NULL,
            started_at BIGINT NULL,
            ended_at BIGINT NULL
        );
        CREATE INDEX ix_trials_experiment ON trials (experiment_id, number);
        """,
    ];

    /// <summary>The schema version this code writes and reads.</summary>
    public static int LatestVersion => Steps.Length;

    public static async Task ApplyAsync(TrackingDatabase database, ILogger logger, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await database.BeginWriteTransactionAsync(connection, cancellationToken);
        await database.LockForMigrationAsync(connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
            transaction: transaction,
            cancellationToken: cancellationToken));
        var current = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT MAX(version) FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken)) ?? 0;
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"the tracking store has schema version {current}; this HyperQueue knows versions up to {LatestVersion}: upgrade HyperQueue");
        }

        for (var version = (int)current + 1; version <= LatestVersion; version++)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                Steps[version - 1].Replace("{identity}", database.IdentityPrimaryKey, StringComparison.Ordinal),
                transaction: transaction,
                cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@Version, @AppliedAt)",
                new { Version = version, AppliedAt = timeProvider.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        if (current < LatestVersion)
        {
            Log.SchemaMigrated(logger, database.Kind, current, LatestVersion);
        }
    }
}
