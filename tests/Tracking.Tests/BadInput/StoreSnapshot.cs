using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperQueue.Tracking.Tests.BadInput;

/// <summary>
/// Every row of every table of a tracking database as text, in a stable order, so a test can assert that a
/// rejected input left the store exactly as it was (rows before == rows after).
/// </summary>
internal static class StoreSnapshot
{
    public static async Task<IReadOnlyList<string>> OfSqliteAsync(string databasePath, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        return await TakeAsync(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", cancellationToken);
    }

    public static async Task<IReadOnlyList<string>> OfPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return await TakeAsync(
            connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
            cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> TakeAsync(DbConnection connection, string listTables, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = listTables;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var rows = new List<string>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The table names come from the database's own catalogue, not from input.
            command.CommandText = $"SELECT * FROM \"{table}\"";
#pragma warning restore CA2100
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var tableRows = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new string[reader.FieldCount];
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values[i] = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture) ?? "";
                }

                tableRows.Add($"{table}: {string.Join(" | ", values)}");
            }

            // Row order of a SELECT without ORDER BY is not defined; sorting the text makes two snapshots comparable.
            rows.AddRange(tableRows.Order(StringComparer.Ordinal));
        }

        return rows;
    }
}
