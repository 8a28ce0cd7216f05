using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Tracking.Tests.BadInput;

namespace HyperQueue.Integration.Tests.BadInput;

/// <summary>The hostile-text contract (the same cases as on SQLite) against a real Postgres, one fresh database per test.</summary>
public sealed class PostgresHostileTextTests(TestServices services) : HostileTextContract
{
    private string _connectionString = string.Empty;

    protected override async Task<string> CreateTrackingUriAsync(CancellationToken cancellationToken) =>
        _connectionString = await services.Postgres.CreateDatabaseAsync(cancellationToken);

    protected override Task<IReadOnlyList<string>> SnapshotAsync(CancellationToken cancellationToken) => StoreSnapshot.OfPostgresAsync(_connectionString, cancellationToken);
}
