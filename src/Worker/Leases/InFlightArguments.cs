using System.Globalization;

namespace HyperQueue.Worker.Leases;

/// <summary>Argument rules shared by both stores, so the in-memory and Redis stores refuse the same input the same way.</summary>
internal static class InFlightArguments
{
    public static void Parallelism(int parallelism)
    {
        if (parallelism < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(parallelism), parallelism, $"parallelism ({parallelism}) must be at least 1");
        }
    }

    /// <summary>The lease in whole milliseconds (rounded up, so a positive lease never becomes zero).</summary>
    public static long LeaseMilliseconds(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(lease), lease, $"lease ({lease.ToString("c", CultureInfo.InvariantCulture)}) must be positive");
        }

        return (long)Math.Ceiling(lease.TotalMilliseconds);
    }

    public static void Reason(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
    }

    /// <summary>Deadlines are kept to the millisecond, the resolution of the Redis store.</summary>
    public static DateTimeOffset? Deadline(DateTimeOffset? deadline) =>
        deadline is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds()) : null;

    public static InvalidOperationException UnknownExperiment(Guid experimentId) =>
        new($"experiment '{experimentId}' is not known to the in-flight store: create it first");
}
