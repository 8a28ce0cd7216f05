using System.CommandLine;

namespace HyperQueue.Scheduler.Cli;

/// <summary>Entry point of the <c>hq</c> command line: tune, worker, sample, ui, experiments.</summary>
internal static class HqCommand
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("HyperQueue: distributed hyperparameter optimization (hyperopt's fmin over RabbitMQ workers)")
        {
            TuneCommand.Create(),
            WorkerCommand.Create(),
            SampleCommand.Create(),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"hq: {error.Message}");
            }

            Console.Error.WriteLine("Run 'hq --help' for usage.");
            return ExitCodes.BadInput;
        }

        return parsed.Invoke();
    }
}
