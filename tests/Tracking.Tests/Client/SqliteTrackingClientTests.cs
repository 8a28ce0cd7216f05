using Microsoft.Data.Sqlite;

namespace HyperQueue.Tracking.Tests.Client;

/// <summary>The store contract on a SQLite file in a temporary folder.</summary>
public sealed class SqliteTrackingClientTests : TrackingClientContractTests
{
    private readonly string databaseFolder = Directory.CreateTempSubdirectory("hq-tracking-").FullName;

    protected override Task<string> CreateTrackingUriAsync(CancellationToken cancellationToken) =>
        Task.FromResult("sqlite:" + Path.Combine(databaseFolder, "tracking.db"));

    protected override void DeleteStore()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(databaseFolder, recursive: true);
    }

    [Fact]
    public async Task InitializeAsync_NewFile_UsesWriteAheadLogging()
    {
        await Client.InitializeAsync(Token);

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(databaseFolder, "tracking.db")};Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync(Token));
    }
}
