using HyperQueue.Contracts;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Trials;

/// <summary>
/// Receives every <see cref="CancelExperiment"/> and <see cref="CancelTrial"/> publish on this worker's own
/// temporary endpoint and cancels the matching running trials' tokens.
/// </summary>
internal sealed class WorkerCancellationConsumer(RunningTrials runningTrials, ILogger<WorkerCancellationConsumer> logger)
    : IConsumer<CancelExperiment>, IConsumer<CancelTrial>
{
    public Task Consume(ConsumeContext<CancelExperiment> context)
    {
        var message = context.Message;
        var reason = $"the experiment was cancelled: {message.Reason}";
        var count = runningTrials.CancelExperiment(message.ExperimentId, reason);
        Log.ExperimentCancelled(logger, message.ExperimentId, message.Reason, count);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<CancelTrial> context)
    {
        var message = context.Message;
        var runningHere = runningTrials.CancelTrial(message.ExperimentId, message.TrialId, $"the trial was cancelled: {message.Reason}");
        Log.TrialCancelled(logger, message.TrialId, message.Reason, runningHere);
        return Task.CompletedTask;
    }
}
