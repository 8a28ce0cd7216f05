using System.Globalization;

namespace HyperQueue.WineQuality;

/// <summary>The example's few flags; anything else is an error that says what is accepted.</summary>
internal sealed record ExampleOptions(bool Worker, Uri? Broker, string? Redis, string Tracking, int Parallelism, int MaxEvals)
{
    private const string Usage =
        "usage: [worker] [--broker amqp://user:pass@host:port/vhost --redis host:port] [--tracking URI] [--parallelism N] [--max-evals N]";

    public static ExampleOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ExampleOptions(false, null, null, "sqlite:hyperqueue.db", 2, 60);
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value; {Usage}");
            options = args[i] switch
            {
                "worker" => options with { Worker = true },
                "--broker" => options with { Broker = new Uri(Value()) },
                "--redis" => options with { Redis = Value() },
                "--tracking" => options with { Tracking = Value() },
                "--parallelism" => options with { Parallelism = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--max-evals" => options with { MaxEvals = int.Parse(Value(), CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'; {Usage}"),
            };
        }

        if ((options.Broker is null) != (options.Redis is null) || (options.Worker && options.Broker is null))
        {
            throw new ArgumentException($"--broker and --redis go together (and a worker needs both); {Usage}");
        }

        return options;
    }
}
