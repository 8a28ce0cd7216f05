using System.Data.Common;
using Dapper;
using Npgsql;

namespace HyperQueue.Tracking.Stores;

/// <summary>Postgres store through one pooled <see cref="NpgsqlDataSource"/>.</summary>
internal sealed class PostgresTrackingDatabase(string connectionString) : TrackingDatabase
{
    // An arbitrary constant that names "HyperQueue tracking migrations" among the advisory locks of the database.
    private const long MigrationLockKey = 0x4851_5452_4143_4B31;

    private readonly NpgsqlDataSource dataSource = NpgsqlDataSource.Create(connectionString);

    public override TrackingStoreKind Kind => TrackingStoreKind.Postgres;

    public override string IdentityPrimaryKey => "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken) =>
        await dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(@Key)", new { Key = MigrationLockKey }, transaction, cancellationToken: cancellationToken));

    /// <remarks>
    /// A broken socket surfaces as a transient <see cref="NpgsqlException"/>; a backend ended by the server
    /// (pg_terminate_backend, shutdown, crash recovery) as SQL state class 57P, and a refused connection during a
    /// restart as 57P03 or class 08.
    /// </remarks>
    public override bool IsConnectionLost(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    public override void DropIdleConnections() => dataSource.Clear();

    public override ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
