using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace HyperQueue.Tracking.Stores;

/// <summary>SQLite file store: WAL journal so readers never block the writer, and a busy timeout so writers queue.</summary>
internal sealed class SqliteTrackingDatabase(string connectionString) : TrackingDatabase
{
    public override TrackingStoreKind Kind => TrackingStoreKind.Sqlite;

    public override string IdentityPrimaryKey => "INTEGER PRIMARY KEY AUTOINCREMENT";

    public override async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(new SqliteConnectionStringBuilder(connectionString).DataSource);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // busy_timeout first so the WAL switch of a new file waits for other openers; journal_mode=WAL persists in the
            // file, the other settings are per connection.
            await connection.ExecuteAsync(new CommandDefinition(
                "PRAGMA busy_timeout = 60000; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                cancellationToken: cancellationToken));
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A non-deferred transaction is BEGIN IMMEDIATE: it takes the write lock first (waiting on the busy timeout),
        // so it never fails with SQLITE_BUSY half-way when a read lock would have to be upgraded.
        DbTransaction transaction = ((SqliteConnection)connection).BeginTransaction(deferred: false);
        return Task.FromResult(transaction);
    }

    // BEGIN IMMEDIATE already excludes every other writer, including another process migrating.
    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        return ValueTask.CompletedTask;
    }
}
