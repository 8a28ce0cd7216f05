using HyperQueue.Contracts;

namespace HyperQueue.Scheduler.Dispatch;

/// <summary>How one experiment's trials are dispatched to workers.</summary>
/// <param name="ExperimentId">Names the results queue <c>hq.results.&lt;id&gt;</c> and the Redis keys.</param>
/// <param name="Objective">Names the evaluate queue <c>hq.evaluate.&lt;objective&gt;</c>.</param>
/// <param name="Parallelism">The most trials in flight at once, enforced by Redis slots.</param>
/// <param name="Deadline">The experiment deadline (fmin's timeout), or null.</param>
/// <param name="QueueTimeout">
/// How long a sent trial keeps its slot while it waits in the evaluate queue for a worker to start it; once a worker
/// starts it, the worker's own lease and heartbeats take over (see <see cref="TrialDispatcher"/>).
/// </param>
/// <param name="MaxAttempts">Sends of one trial whose lease expired (queue timeout, or a started trial's worker stopped heartbeating) before it is failed (objective exceptions are never retried).</param>
/// <param name="ReapInterval">How often expired leases are looked for.</param>
/// <param name="ResultsQueueExpiry">How long an unused results queue outlives its scheduler (so a restart loses nothing).</param>
/// <param name="ResumeGrace">How long a trial taken over by a resumed scheduler has to show it is alive before it is sent again.</param>
internal sealed record DispatchSettings(
    Guid ExperimentId,
    string Objective,
    int Parallelism,
    DateTimeOffset? Deadline,
    TimeSpan QueueTimeout,
    int MaxAttempts,
    TimeSpan ReapInterval,
    TimeSpan ResultsQueueExpiry,
    TimeSpan ResumeGrace)
{
    public string EvaluateQueue => QueueNames.Evaluate(Objective);

    public string ResultsQueue => QueueNames.Results(ExperimentId);
}
