using System.CommandLine;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq tune SPEC</c>: runs an experiment spec, embedded (in-memory bus, in-process workers, SQLite
/// <c>./hyperqueue.db</c>) unless <c>--broker</c> names a RabbitMQ broker that <c>hq worker</c> processes serve.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var spec = new Argument<FileInfo>("SPEC") { Description = "Experiment spec file (JSON); see docs/spec.md" };
        var broker = new Option<string?>("--broker") { Description = "RabbitMQ broker amqp://user:pass@host:port/vhost (default: embedded)" };
        var redis = new Option<string?>("--redis") { Description = "Redis host:port (required with --broker)" };
        var tracking = new Option<string?>("--tracking") { Description = "Tracking URI: sqlite:PATH, postgres://user:pass@host:port/db or Host=... (default: sqlite:hyperqueue.db)" };
        var maxEvals = NumberOptions.Whole<int>("--max-evals", "Overrides maxEvals");
        var parallelism = NumberOptions.Whole<int>("--parallelism", "Overrides parallelism (at most 128)");
        var timeout = NumberOptions.Real("--timeout", "Overrides timeoutSeconds");
        var seed = NumberOptions.Whole<long>("--seed", "Overrides seed");
        var algo = new Option<string?>("--algo") { Description = "Overrides algo: tpe, tpe-hyperopt, rand, anneal" };
        var resume = new Option<bool>("--resume") { Description = "Continue the experiment of the same name from the tracking store" };
        var json = new Option<bool>("--json") { Description = "Print one JSON document with the result and every trial on stdout" };
        var noProgress = new Option<bool>("--no-progress") { Description = "No progress bar" };
        var command = new Command("tune", "Run an experiment spec: fmin over its space with its objective")
        {
            spec, broker, redis, tracking, maxEvals, parallelism, timeout, seed, algo, resume, json, noProgress,
        };
        command.SetAction((parsed, cancellationToken) => new TuneRunner(stdout, stderr).RunAsync(
            new TuneSettings
            {
                SpecPath = parsed.GetRequiredValue(spec).FullName,
                Broker = parsed.GetValue(broker),
                Redis = parsed.GetValue(redis),
                Tracking = parsed.GetValue(tracking),
                MaxEvals = parsed.GetValue(maxEvals),
                Parallelism = parsed.GetValue(parallelism),
                TimeoutSeconds = parsed.GetValue(timeout),
                Seed = parsed.GetValue(seed),
                Algorithm = parsed.GetValue(algo),
                Resume = parsed.GetValue(resume),
                Json = parsed.GetValue(json),
                NoProgress = parsed.GetValue(noProgress),
            },
            cancellationToken));
        return command;
    }
}
