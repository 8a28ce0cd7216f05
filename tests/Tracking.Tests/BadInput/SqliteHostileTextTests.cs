using Microsoft.Data.Sqlite;

namespace HyperQueue.Tracking.Tests.BadInput;

/// <summary>The hostile-text contract on a SQLite file in a temporary folder.</summary>
public sealed class SqliteHostileTextTests : HostileTextContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hq-hostile-").FullName;

    private string DatabasePath => Path.Combine(_folder, "tracking.db");

    protected override Task<string> CreateTrackingUriAsync(CancellationToken cancellationToken) => Task.FromResult($"sqlite:{DatabasePath}");

    protected override Task<IReadOnlyList<string>> SnapshotAsync(CancellationToken cancellationToken) => StoreSnapshot.OfSqliteAsync(DatabasePath, cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
