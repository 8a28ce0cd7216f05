namespace HyperQueue.Worker.Objectives;

/// <summary>
/// An objective function served by workers (and run inline by local <c>Trials</c>). Register with
/// <c>AddHyperQueueWorker(w =&gt; w.AddObjective&lt;T&gt;("name"))</c>. It must honour the token: it is cancelled
/// at the trial timeout, the experiment timeout and on <c>CancelExperiment</c>. An exception is a failed trial.
/// </summary>
public interface IObjective
{
    Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="EvaluateAsync"/> returns its task quickly: it awaits a process, a service or a timer, or
    /// computes for microseconds. A worker then calls it on the thread that received the trial, which saves two
    /// thread switches per trial. False (the default): it is called on a thread of its own, because an objective that
    /// computes synchronously for an hour must not hold a thread-pool thread (lease renewals run there).
    /// </summary>
    bool StartsQuickly => false;
}
