namespace HyperQueue.TestInfrastructure.Services;

/// <summary>
/// The real services of a test assembly, shared by all its tests. Register once per assembly with
/// <c>[assembly: AssemblyFixture(typeof(TestServices))]</c> and take it in a test class constructor.
/// Each service starts on first use only.
/// </summary>
public sealed class TestServices : IAsyncDisposable
{
    public RabbitMqService RabbitMq { get; } = new();

    public RedisService Redis { get; } = new();

    public PostgresService Postgres { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await RabbitMq.DisposeAsync();
        await Redis.DisposeAsync();
        await Postgres.DisposeAsync();
    }
}
