using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Tracking.Tests.Client;

namespace HyperQueue.Integration.Tests.Tracking;

/// <summary>The store contract (the same tests as on SQLite) against a real Postgres, one fresh database per test.</summary>
public sealed class PostgresTrackingClientTests(TestServices services) : TrackingClientContractTests
{
    protected override Task<string> CreateTrackingUriAsync(CancellationToken cancellationToken) =>
        services.Postgres.CreateDatabaseAsync(cancellationToken);
}
