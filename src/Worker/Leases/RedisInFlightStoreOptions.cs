namespace HyperQueue.Worker.Leases;

/// <summary>Where and for how long <see cref="RedisInFlightStore"/> keeps its keys.</summary>
public sealed class RedisInFlightStoreOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "HyperQueue:InFlight";

    /// <summary>Prefix of every key, e.g. <c>hq</c> gives <c>hq:{exp:&lt;id&gt;}:meta</c>; no braces (they would break the hash tag).</summary>
    public string KeyPrefix { get; set; } = "hq";

    /// <summary>
    /// How long an experiment's keys outlive its deadline or last change, so a crashed scheduler leaves no
    /// permanent garbage. Must exceed the longest gap between two calls for a running experiment.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException(
                $"{SectionName}:{nameof(KeyPrefix)} ('{KeyPrefix}') must be non-empty and contain no '{{' or '}}'",
                nameof(KeyPrefix));
        }

        if (Retention < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException(
                $"{SectionName}:{nameof(Retention)} ({Retention}) must be at least one second", nameof(Retention));
        }
    }
}
