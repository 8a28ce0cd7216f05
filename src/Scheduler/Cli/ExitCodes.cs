namespace HyperQueue.Scheduler.Cli;

/// <summary>The exit codes of <c>hq</c>: scripts branch on them.</summary>
internal static class ExitCodes
{
    /// <summary>Done, whatever the stop reason (max evals, timeout, loss threshold, early stop).</summary>
    public const int Success = 0;

    /// <summary>The experiment failed, for example every trial failed.</summary>
    public const int ExperimentFailed = 1;

    /// <summary>Bad input: a spec, an argument, or a service that cannot be reached.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted (Ctrl-C or SIGTERM) before fmin ended: 128 + SIGINT, as shells report it.</summary>
    public const int Interrupted = 130;
}
