using System.CommandLine;
using HyperQueue.Scheduler.Objectives;
using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Hosting;
using StackExchange.Redis;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq worker</c>: joins a broker and serves the built-in objectives plus the command objectives of
/// <c>--objectives FILE</c> until stopped (Ctrl+C or SIGTERM).
/// </summary>
internal static class WorkerCommand
{
    public static Command Create(TextWriter stderr)
    {
        var broker = new Option<string>("--broker") { Description = "RabbitMQ: amqp://user:pass@host:port/vhost", Required = true };
        var redis = new Option<string>("--redis") { Description = "Redis: host:port", Required = true };
        var tracking = new Option<string?>("--tracking") { Description = "Tracking URI objectives log into (sqlite:PATH, postgres://..., Host=...)" };
        var objectives = new Option<FileInfo?>("--objectives") { Description = "JSON file: objective name -> {\"command\": [argv...], ...}" };
        var slots = NumberOptions.Whole<int>("--slots", "Trials run at once (default: processor count)");
        var command = new Command("worker", "Serve objectives to schedulers through RabbitMQ and Redis")
        {
            broker, redis, tracking, objectives, slots,
        };
        command.SetAction((parsed, cancellationToken) => RunAsync(
            stderr,
            () => new WorkerHostSettings
            {
                Broker = TuneSettings.ParseBroker(parsed.GetRequiredValue(broker), "--broker"),
                Redis = parsed.GetRequiredValue(redis),
                TrackingUri = parsed.GetValue(tracking),
                ObjectivesFile = parsed.GetValue(objectives)?.FullName,
                Slots = parsed.GetValue(slots) is < 1 and var few ? throw new Specs.SpecException($"--slots: {few} must be at least 1") : parsed.GetValue(slots),
                ConfigureWorker = worker => worker.AddBuiltInObjectives(),
            },
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter stderr, Func<WorkerHostSettings> settings, CancellationToken cancellationToken)
    {
        try
        {
            await WorkerHost.RunAsync(settings(), cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or Specs.SpecException or ObjectivesFileException or RedisConnectionException or IOException
            or BrokerConnectionException)
        {
            // An ArgumentException's message ends with "(Parameter 'settings')", which names the library's parameter.
            var message = ex is ArgumentException { ParamName: { } parameter } argument
                ? argument.Message.Replace($" (Parameter '{parameter}')", string.Empty, StringComparison.Ordinal)
                : ex.Message;
            await stderr.WriteLineAsync($"hq worker: {message}");
            return ExitCodes.BadInput;
        }
    }
}
