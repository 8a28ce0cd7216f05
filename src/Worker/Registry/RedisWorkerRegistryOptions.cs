namespace HyperQueue.Worker.Registry;

/// <summary>Where <see cref="RedisWorkerRegistry"/> keeps its keys.</summary>
public sealed class RedisWorkerRegistryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "HyperQueue:WorkerRegistry";

    /// <summary>Prefix of every key, e.g. <c>hq</c> gives <c>hq:{workers}:live</c>; no braces (they would break the hash tag).</summary>
    public string KeyPrefix { get; set; } = "hq";

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(KeyPrefix) || KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException(
                $"{SectionName}:{nameof(KeyPrefix)} ('{KeyPrefix}') must be non-empty and contain no '{{' or '}}'",
                nameof(KeyPrefix));
        }
    }
}
