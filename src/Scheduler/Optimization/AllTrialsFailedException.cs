namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Like hyperopt's <c>AllTrialsFailed</c>: thrown by <see cref="Trials.BestTrial"/>, <see cref="Trials.Argmin"/>
/// and <see cref="FMin"/> when no trial finished with status ok.
/// </summary>
public sealed class AllTrialsFailedException : InvalidOperationException
{
    public AllTrialsFailedException()
        : base("no trial finished with status ok, so there is no best trial")
    {
    }

    public AllTrialsFailedException(string message)
        : base(message)
    {
    }

    public AllTrialsFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
