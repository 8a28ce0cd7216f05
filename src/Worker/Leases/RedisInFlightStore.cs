using System.Globalization;
using StackExchange.Redis;

namespace HyperQueue.Worker.Leases;

/// <summary>
/// The in-flight store on Redis, shared by the scheduler and every worker of a distributed experiment
/// (the SparkTrials counterpart's slot and lease bookkeeping). Safe on Redis Cluster: an experiment's keys share
/// the hash tag <c>{exp:&lt;id&gt;}</c>. Deadlines of leases come from the Redis server's clock.
/// </summary>
/// <remarks>
/// A Redis command cannot be withdrawn once sent: the cancellation token stops the wait, not the command. A slot
/// granted to a caller that stopped waiting lapses with its lease and is reported by the reaper.
/// </remarks>
public sealed class RedisInFlightStore : IInFlightStore
{
    private const string StateRunning = "running";
    private const string StateEnded = "ended";

    private readonly IConnectionMultiplexer _connection;
    private readonly string _keyPrefix;
    private readonly long _retentionMilliseconds;

    /// <summary>Uses the connection as it is (the caller owns it) and the options' key prefix and retention.</summary>
    public RedisInFlightStore(IConnectionMultiplexer connection, RedisInFlightStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new RedisInFlightStoreOptions();
        options.Validate();
        _connection = connection;
        _keyPrefix = options.KeyPrefix;
        _retentionMilliseconds = (long)options.Retention.TotalMilliseconds;
    }

    public async Task CreateExperimentAsync(
        Guid experimentId, int parallelism, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        InFlightArguments.Parallelism(parallelism);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        await InFlightScripts.Create.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
            parallelism,
            deadline = FormatDeadline(deadline),
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
    }

    public async Task<bool> RestoreExperimentAsync(
        Guid experimentId,
        int parallelism,
        DateTimeOffset? deadline,
        IReadOnlyCollection<Guid> inFlight,
        TimeSpan lease,
        CancellationToken cancellationToken)
    {
        InFlightArguments.Parallelism(parallelism);
        ArgumentNullException.ThrowIfNull(inFlight);
        var leaseMilliseconds = InFlightArguments.LeaseMilliseconds(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.Restore.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
            parallelism,
            deadline = FormatDeadline(deadline),
            trials = string.Join(' ', inFlight.Select(TrialMember)),
            lease = leaseMilliseconds,
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
        return (int)result == 1;
    }

    public async Task<ExperimentLiveness> GetExperimentAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var entries = await Database.HashGetAllAsync(keys.Meta).WaitAsync(cancellationToken);
        if (entries.Length == 0)
        {
            return ExperimentLiveness.Unknown;
        }

        var fields = entries.ToDictionary(entry => entry.Name.ToString(), entry => entry.Value, StringComparer.Ordinal);
        var state = fields.GetValueOrDefault("state").ToString() switch
        {
            StateRunning => ExperimentState.Running,
            StateEnded => ExperimentState.Ended,
            var other => throw new InvalidDataException(
                $"in-flight store key '{keys.Meta}': state '{other}' must be '{StateRunning}' or '{StateEnded}'"),
        };
        var parallelism = fields.TryGetValue("parallelism", out var parallelismValue) && parallelismValue.TryParse(out int parsed)
            ? parsed
            : 0;
        DateTimeOffset? deadline = fields.TryGetValue("deadline", out var deadlineValue) && deadlineValue.TryParse(out long milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : null;
        var reason = fields.TryGetValue("reason", out var reasonValue) ? reasonValue.ToString() : null;
        return new ExperimentLiveness(state, parallelism, deadline, reason);
    }

    public async Task SetParallelismAsync(Guid experimentId, int parallelism, CancellationToken cancellationToken)
    {
        InFlightArguments.Parallelism(parallelism);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.SetParallelism.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
            parallelism,
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
        if ((int)result == 0)
        {
            throw InFlightArguments.UnknownExperiment(experimentId);
        }
    }

    public async Task EndExperimentAsync(Guid experimentId, string reason, CancellationToken cancellationToken)
    {
        InFlightArguments.Reason(reason);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        await InFlightScripts.End.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
            reason,
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
    }

    public async Task<bool> TryAcquireSlotAsync(
        Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var leaseMilliseconds = InFlightArguments.LeaseMilliseconds(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.Acquire.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
            trial = TrialMember(trialId),
            lease = leaseMilliseconds,
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
        return (int)result == 1;
    }

    public async Task<LeaseStatus> RenewLeaseAsync(
        Guid experimentId, Guid trialId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var leaseMilliseconds = InFlightArguments.LeaseMilliseconds(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.Renew.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            inflight = keys.InFlight,
            trial = TrialMember(trialId),
            lease = leaseMilliseconds,
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
        return (int)result switch
        {
            0 => LeaseStatus.Active,
            1 => LeaseStatus.Lost,
            2 => LeaseStatus.Cancelled,
            var other => throw new InvalidDataException($"lease renewal script answered {other}; expected 0, 1 or 2"),
        };
    }

    public async Task<bool> ReleaseAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.Release.EvaluateAsync(Database, new
        {
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
            trial = TrialMember(trialId),
        }).WaitAsync(cancellationToken);
        return (int)result == 1;
    }

    public async Task<long> CountRedeliveryAsync(Guid experimentId, Guid trialId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.CountRedelivery.EvaluateAsync(Database, new
        {
            meta = keys.Meta,
            redelivered = keys.Redelivered,
            trial = TrialMember(trialId),
            retention = _retentionMilliseconds,
        }).WaitAsync(cancellationToken);
        return (long)result;
    }

    public async Task<IReadOnlyList<Guid>> ReapExpiredAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var result = await InFlightScripts.Reap.EvaluateAsync(Database, new
        {
            inflight = keys.InFlight,
            lapsed = keys.Lapsed,
        }).WaitAsync(cancellationToken);
        return ParseTrials((RedisValue[]?)result ?? [], keys.InFlight);
    }

    public async Task<IReadOnlyList<Guid>> GetInFlightAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        var members = await Database.SortedSetRangeByRankAsync(keys.InFlight).WaitAsync(cancellationToken);
        return ParseTrials(members, keys.InFlight);
    }

    public async Task DeleteExperimentAsync(Guid experimentId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var keys = new ExperimentKeys(_keyPrefix, experimentId);
        await Database.KeyDeleteAsync([keys.Meta, keys.InFlight, keys.Lapsed, keys.Redelivered]).WaitAsync(cancellationToken);
    }

    private IDatabase Database => _connection.GetDatabase();

    private static string TrialMember(Guid trialId) => trialId.ToString("D");

    /// <summary>Unix milliseconds, or empty for no deadline (the scripts read it with tonumber).</summary>
    private static string FormatDeadline(DateTimeOffset? deadline) =>
        deadline is { } value ? value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : string.Empty;

    private static Guid[] ParseTrials(RedisValue[] members, RedisKey key) =>
        Array.ConvertAll(members, member => Guid.TryParseExact(member.ToString(), "D", out var trialId)
            ? trialId
            : throw new InvalidDataException($"in-flight store key '{key}': member '{member}' must be a trial id (GUID)"));

    /// <summary>The keys of one experiment; the shared hash tag keeps them in one Redis Cluster slot.</summary>
    private readonly record struct ExperimentKeys(RedisKey Meta, RedisKey InFlight, RedisKey Lapsed, RedisKey Redelivered)
    {
        public ExperimentKeys(string prefix, Guid experimentId)
            : this(
                Key(prefix, experimentId, "meta"),
                Key(prefix, experimentId, "inflight"),
                Key(prefix, experimentId, "lapsed"),
                Key(prefix, experimentId, "redelivered"))
        {
        }

        private static RedisKey Key(string prefix, Guid experimentId, string name) =>
            $"{prefix}:{{exp:{experimentId:D}}}:{name}";
    }
}
