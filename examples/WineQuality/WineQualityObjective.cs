using HyperQueue.Worker.Objectives;

namespace HyperQueue.WineQuality;

/// <summary>The objective workers serve as "wine-fasttree": RMSE of FastTree with the trial's settings.</summary>
internal sealed class WineQualityObjective(WineQualityModel model) : IObjective
{
    public const string Name = "wine-fasttree";

    public async Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = FastTreeSettings.From(context.Parameters);
        // Training is CPU-bound and synchronous in ML.NET: run it off the consumer's thread.
        var rmse = await Task.Run(() => model.Rmse(settings, cancellationToken), cancellationToken);
        if (context.Run is { } run)
        {
            await run.LogMetricAsync("rmse", rmse, cancellationToken: cancellationToken);
        }

        return rmse;
    }
}
