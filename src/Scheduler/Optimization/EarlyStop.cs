using System.Globalization;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>Built-in early stop functions.</summary>
public static class EarlyStop
{
    /// <summary>
    /// Like hyperopt's <c>no_progress_loss(iteration_stop_count, percent_increase)</c>: stops once
    /// <paramref name="iterationStopCount"/> ok trials in a row did not beat the best loss by more than
    /// <paramref name="percentIncrease"/> percent of it. Hyperopt's counting is kept: the first ok trial counts as
    /// one trial without progress. Failed, NaN and cancelled trials are skipped (hyperopt would reset on them).
    /// The function is stateless: it recounts over the whole history, so a resumed experiment counts the same.
    /// </summary>
    public static EarlyStopFunction NoProgressLoss(int iterationStopCount = 20, double percentIncrease = 0.0)
    {
        if (iterationStopCount < 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(iterationStopCount),
                iterationStopCount,
                string.Create(CultureInfo.InvariantCulture, $"no_progress_loss: iterationStopCount ({iterationStopCount}) must be at least 1"));
        }

        if (!double.IsFinite(percentIncrease) || percentIncrease < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(percentIncrease),
                percentIncrease,
                string.Create(CultureInfo.InvariantCulture, $"no_progress_loss: percentIncrease ({percentIncrease}) must be a finite number >= 0"));
        }

        return completedTrials => CountWithoutProgress(completedTrials, percentIncrease) >= iterationStopCount;
    }

    internal static int CountWithoutProgress(IReadOnlyList<TrialRecord> completedTrials, double percentIncrease)
    {
        double? best = null;
        var withoutProgress = 0;
        foreach (var trial in completedTrials)
        {
            if (!trial.IsOk || trial.Loss is not { } loss)
            {
                continue;
            }

            if (best is not { } bestLoss)
            {
                best = loss;
                withoutProgress++;
                continue;
            }

            var threshold = bestLoss - Math.Abs(bestLoss * (percentIncrease / 100.0));
            if (loss < threshold)
            {
                best = loss;
                withoutProgress = 0;
            }
            else
            {
                withoutProgress++;
            }
        }

        return withoutProgress;
    }
}
