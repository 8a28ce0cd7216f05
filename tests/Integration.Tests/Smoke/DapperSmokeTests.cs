using System.Data.Common;
using Dapper;
using HyperQueue.TestInfrastructure.Services;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperQueue.Integration.Tests.Smoke;

public sealed class DapperSmokeTests(TestServices services)
{
    private sealed record Row(long Id, string Name, double Value);

    private static async Task<Row> RoundTripAsync(DbConnection connection)
    {
        var token = TestContext.Current.CancellationToken;
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE smoke (id BIGINT PRIMARY KEY, name TEXT NOT NULL, value DOUBLE PRECISION NOT NULL)", cancellationToken: token));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO smoke (id, name, value) VALUES (@Id, @Name, @Value)",
            new Row(42, "x'); DROP TABLE smoke; --", 0.1 + 0.2),
            cancellationToken: token));
        return await connection.QuerySingleAsync<Row>(new CommandDefinition(
            "SELECT id AS Id, name AS Name, value AS Value FROM smoke WHERE id = @Id", new { Id = 42L }, cancellationToken: token));
    }

    [Fact]
    public async Task Sqlite_RowWrittenAndReadBack_IsExact()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hq-smoke-{Guid.NewGuid():N}.db");
        try
        {
            await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
            await connection.OpenAsync(TestContext.Current.CancellationToken);

            var row = await RoundTripAsync(connection);

            Assert.Equal(new Row(42, "x'); DROP TABLE smoke; --", 0.1 + 0.2), row);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Postgres_RowWrittenAndReadBack_IsExact()
    {
        var connectionString = await services.Postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);

        var row = await RoundTripAsync(connection);

        Assert.Equal(new Row(42, "x'); DROP TABLE smoke; --", 0.1 + 0.2), row);
    }
}
