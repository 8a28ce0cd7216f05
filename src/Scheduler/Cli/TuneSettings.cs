using HyperQueue.Scheduler.Specs;

namespace HyperQueue.Scheduler.Cli;

/// <summary>What <c>hq tune</c> was asked to do: the spec file and the flags that override it.</summary>
internal sealed record TuneSettings
{
    public required string SpecPath { get; init; }

    /// <summary>The broker as typed; checked by <see cref="BrokerUri"/>.</summary>
    public string? Broker { get; init; }

    /// <summary>The broker as an AMQP URI, or null for embedded mode.</summary>
    public Uri? BrokerUri => Broker is null ? null : ParseBroker(Broker, "--broker");

    /// <summary>Parses an AMQP URI given on the command line, naming the flag when it is not one.</summary>
    public static Uri ParseBroker(string text, string flag) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" or "rabbitmq" or "rabbitmqs"
            ? uri
            : throw new SpecException($"{flag}: '{text}' is not a broker URI; expected amqp://user:pass@host:port/vhost");

    public string? Redis { get; init; }

    public string? Tracking { get; init; }

    public int? MaxEvals { get; init; }

    public int? Parallelism { get; init; }

    public double? TimeoutSeconds { get; init; }

    public long? Seed { get; init; }

    public string? Algorithm { get; init; }

    public bool Resume { get; init; }

    public bool Json { get; init; }

    public bool NoProgress { get; init; }

    /// <summary>The spec with the command-line flags applied; flags win, and are checked like the file's members.</summary>
    public ExperimentSpec Apply(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (MaxEvals is < 1 or > ExperimentSpec.MaxEvalsLimit)
        {
            throw new SpecException($"--max-evals: {MaxEvals} is out of range; it must be between 1 and {ExperimentSpec.MaxEvalsLimit}");
        }

        if (Parallelism is < 1)
        {
            throw new SpecException($"--parallelism: {Parallelism} must be at least 1");
        }

        if (TimeoutSeconds is { } timeout && !Worker.Commands.TimeoutSeconds.IsValid(timeout))
        {
            throw new SpecException($"--timeout: {Spaces.NodeArguments.Format(timeout)} {Worker.Commands.TimeoutSeconds.Rule}");
        }

        if (Seed is < 0)
        {
            throw new SpecException($"--seed: {Seed} must be 0 or more");
        }

        return spec with
        {
            MaxEvals = MaxEvals ?? spec.MaxEvals,
            Parallelism = Parallelism ?? spec.Parallelism,
            Timeout = TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : spec.Timeout,
            Seed = Seed ?? spec.Seed,
            Algorithm = Algorithm is { } name ? new AlgorithmSpec(name, null) : spec.Algorithm,
        };
    }
}
