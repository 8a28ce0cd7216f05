namespace HyperQueue.Worker.Objectives;

/// <summary>
/// An objective function served by workers (and run inline by local <c>Trials</c>). Register with
/// <c>AddHyperQueueWorker(w =&gt; w.AddObjective&lt;T&gt;("name"))</c>. It must honour the token: it is cancelled
/// at the trial timeout, the experiment timeout and on <c>CancelExperiment</c>. An exception is a failed trial.
/// </summary>
public interface IObjective
{
    Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken);
}
