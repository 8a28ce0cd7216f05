using System.CommandLine;

namespace HyperQueue.Scheduler.Cli;

/// <summary>Entry point of the <c>hq</c> command line: tune, worker, sample, ui, experiments.</summary>
internal static class HqCommand
{
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
            // After Ctrl-C or SIGTERM a command gets this long to record what it must before the process is ended (the
            // default, 2 s, is less than the workers' grace to report their cancelled trials): hq tune waits
            // QueueTrialRunner.CancellationGrace for trials still queued, then records them as cancelled.
            ProcessTerminationTimeout = Dispatch.QueueTrialRunner.CancellationGrace + TimeSpan.FromSeconds(27),
        });
    }
}
