namespace HyperQueue.Worker.Objectives;

/// <summary>An objective given as a function (the usual hyperopt style: <c>fmin(fn=lambda params: ...)</c>).</summary>
internal sealed class DelegateObjective(
    Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> evaluate,
    bool startsQuickly = false) : IObjective
{
    public bool StartsQuickly => startsQuickly;

    public Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken) =>
        evaluate(context, cancellationToken);
}
