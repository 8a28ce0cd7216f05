using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HyperQueue.Worker.Registry;

/// <summary>
/// The worker registry on Redis: one key per worker with a time to live, refreshed by heartbeat, and a sorted set
/// of worker ids by expiry to list the live ones. All keys share the hash tag <c>{workers}</c> so a listing reads
/// one Redis Cluster slot; the registry is small, so that slot stays cold.
/// </summary>
public sealed class RedisWorkerRegistry : IWorkerRegistry
{
    private readonly IConnectionMultiplexer _connection;
    private readonly string _keyPrefix;
    private readonly ILogger _logger;

    /// <summary>Uses the connection as it is (the caller owns it) and the options' key prefix.</summary>
    public RedisWorkerRegistry(
        IConnectionMultiplexer connection,
        RedisWorkerRegistryOptions? options = null,
        ILogger<RedisWorkerRegistry>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new RedisWorkerRegistryOptions();
        options.Validate();
        _connection = connection;
        _keyPrefix = options.KeyPrefix;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public async Task RegisterAsync(WorkerRegistration registration, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        RegistrationArguments.Registration(registration);
        var timeToLiveMilliseconds = RegistrationArguments.TimeToLiveMilliseconds(timeToLive);
        cancellationToken.ThrowIfCancellationRequested();
        var json = JsonSerializer.Serialize(registration, WorkerRegistrationJsonContext.Default.WorkerRegistration);
        await RegistryScripts.Register.EvaluateAsync(Database, new
        {
            worker = WorkerKey(registration.WorkerId),
            live = LiveKey,
            id = registration.WorkerId,
            registration = json,
            ttl = timeToLiveMilliseconds.ToString(CultureInfo.InvariantCulture),
        }).WaitAsync(cancellationToken);
    }

    public async Task UnregisterAsync(string workerId, CancellationToken cancellationToken)
    {
        RegistrationArguments.WorkerId(workerId);
        cancellationToken.ThrowIfCancellationRequested();
        await RegistryScripts.Unregister.EvaluateAsync(Database, new
        {
            worker = WorkerKey(workerId),
            live = LiveKey,
            id = workerId,
        }).WaitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<WorkerRegistration>> GetLiveWorkersAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var ids = (RedisValue[]?)await RegistryScripts.Live.EvaluateAsync(Database, new { live = LiveKey })
            .WaitAsync(cancellationToken) ?? [];
        if (ids.Length == 0)
        {
            return [];
        }

        // A key that expired or was unregistered since the listing reads as null and is left out.
        var keys = Array.ConvertAll(ids, id => WorkerKey(id.ToString()));
        var values = await Database.StringGetAsync(keys).WaitAsync(cancellationToken);
        var live = new List<WorkerRegistration>(values.Length);
        for (var index = 0; index < values.Length; index++)
        {
            if (!values[index].IsNull && Parse(keys[index], values[index].ToString()) is { } registration)
            {
                live.Add(registration);
            }
        }

        live.Sort((left, right) => string.CompareOrdinal(left.WorkerId, right.WorkerId));
        return live;
    }

    private IDatabase Database => _connection.GetDatabase();

    private RedisKey LiveKey => $"{_keyPrefix}:{{workers}}:live";

    private RedisKey WorkerKey(string workerId) => $"{_keyPrefix}:{{workers}}:worker:{workerId}";

    private WorkerRegistration? Parse(RedisKey key, string json)
    {
        try
        {
            var registration = JsonSerializer.Deserialize(json, WorkerRegistrationJsonContext.Default.WorkerRegistration)
                ?? throw new JsonException("the value is JSON null");
            RegistrationArguments.Registration(registration);
            return registration;
        }
        catch (Exception exception) when (exception is JsonException or ArgumentException)
        {
            Log.InvalidRegistration(_logger, key.ToString(), exception.Message);
            return null;
        }
    }
}
