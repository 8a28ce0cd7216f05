using System.Data.Common;

namespace HyperQueue.Tracking.Stores;

/// <summary>What differs between the SQLite and the Postgres store; everything else (schema, SQL) is shared.</summary>
internal abstract class TrackingDatabase : IAsyncDisposable
{
    public abstract TrackingStoreKind Kind { get; }

    /// <summary>The column definition of an auto-numbered primary key, the one DDL difference between the stores.</summary>
    public abstract string IdentityPrimaryKey { get; }

    public abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A transaction that holds the write lock from its start, so read-then-write sequences never deadlock.</summary>
    public abstract Task<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serializes migrations between processes that start at the same time (inside the given transaction).</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>True when the exception says the connection to the server was lost, so the operation may run again on a new one.</summary>
    public virtual bool IsConnectionLost(Exception exception) => false;

    /// <summary>Closes pooled connections that are idle, since a lost server connection usually means they are all dead.</summary>
    public virtual void DropIdleConnections()
    {
    }

    public static TrackingDatabase Create(TrackingUri uri) => uri.Kind switch
    {
        TrackingStoreKind.Sqlite => new SqliteTrackingDatabase(uri.ConnectionString),
        TrackingStoreKind.Postgres => new PostgresTrackingDatabase(uri.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(uri), uri.Kind, "unknown tracking store kind"),
    };

    public abstract ValueTask DisposeAsync();
}
