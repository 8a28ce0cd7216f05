using System.CommandLine;

namespace HyperQueue.Scheduler.Cli;

/// <summary>Entry point of the <c>hq</c> command line: tune, worker, sample, ui, experiments.</summary>
internal static class HqCommand
{
    /// <summary>
    /// How long a command has after Ctrl-C or SIGTERM to record what it must before the process is ended. System.CommandLine's
    /// default, 2 s, is less than <see cref="Dispatch.QueueTrialRunner.CancellationGrace"/> (3 s), which hq tune waits
    /// for workers to report trials still queued before it records them as cancelled and ends the run.
    /// </summary>
    private static readonly TimeSpan InterruptTimeout = TimeSpan.FromSeconds(30);

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs one command line with the given output writers (tests pass their own).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("HyperQueue: distributed hyperparameter optimization (hyperopt's fmin over RabbitMQ workers)")
        {
            TuneCommand.Create(stdout, stderr),
            WorkerCommand.Create(stderr),
            ExperimentsCommand.Create(stdout, stderr),
            SampleCommand.Create(stdout, stderr),
            UiCommand.Create(stdout, stderr),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"hq: {error.Message}");
            }

            stderr.WriteLine("Run 'hq --help' for usage.");
            return ExitCodes.BadInput;
        }

        return parsed.Invoke(new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            ProcessTerminationTimeout = InterruptTimeout,
        });
    }
}
