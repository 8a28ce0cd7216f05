using System.Collections.Concurrent;

namespace HyperQueue.Worker.Trials;

/// <summary>
/// The trials running on this worker, so a <c>CancelExperiment</c> or <c>CancelTrial</c> reaches their tokens;
/// it also remembers recently ended experiments so a trial of one that was already prefetched never starts.
/// </summary>
internal sealed class RunningTrials
{
    /// <summary>Enough to cover every experiment whose messages may still sit in this worker's prefetch buffer.</summary>
    private const int EndedExperimentsKept = 1024;

    private readonly ConcurrentDictionary<Guid, RunningTrial> trials = new();
    private readonly Dictionary<Guid, string> endedExperiments = [];
    private readonly Queue<Guid> endedOrder = new();
    private readonly Lock endedGate = new();

    public int Count => trials.Count;

    /// <summary>Registers a trial; null when the same trial already runs here (a duplicate delivery).</summary>
    public RunningTrial? TryStart(Guid experimentId, Guid trialId)
    {
        var trial = new RunningTrial(experimentId, trialId, finished => trials.TryRemove(new KeyValuePair<Guid, RunningTrial>(finished.TrialId, finished)));
        if (!trials.TryAdd(trialId, trial))
        {
            return null;
        }

        if (TryGetEndReason(experimentId, out var reason))
        {
            trial.Cancel(reason);
        }

        return trial;
    }

    public bool TryGetEndReason(Guid experimentId, out string reason)
    {
        lock (endedGate)
        {
            return endedExperiments.TryGetValue(experimentId, out reason!);
        }
    }

    /// <summary>Forgets that the experiment ended: it was resumed (its id stays in the eviction queue until its turn).</summary>
    public void ForgetEnd(Guid experimentId)
    {
        lock (endedGate)
        {
            endedExperiments.Remove(experimentId);
        }
    }

    /// <summary>Cancels every running trial of the experiment and remembers that it ended; returns how many were running.</summary>
    public int CancelExperiment(Guid experimentId, string reason)
    {
        lock (endedGate)
        {
            // A resumed experiment that ends again is still in the queue from its first end (ForgetEnd leaves it):
            // queueing it twice would let the older entry evict the newer memory early.
            if (endedExperiments.TryAdd(experimentId, reason) && !endedOrder.Contains(experimentId))
            {
                endedOrder.Enqueue(experimentId);
                if (endedOrder.Count > EndedExperimentsKept)
                {
                    endedExperiments.Remove(endedOrder.Dequeue());
                }
            }
        }

        var cancelled = 0;
        foreach (var trial in trials.Values)
        {
            if (trial.ExperimentId == experimentId)
            {
                trial.Cancel(reason);
                cancelled++;
            }
        }

        return cancelled;
    }

    /// <summary>
    /// Gives up every running trial without answering (the worker is stopping): the broker has already been
    /// answered nothing, the leases lapse, and the scheduler retries the trials elsewhere instead of waiting for
    /// an hour-long objective to finish here. Returns how many were running.
    /// </summary>
    public int AbandonAll()
    {
        var abandoned = 0;
        foreach (var trial in trials.Values)
        {
            trial.Abandon();
            abandoned++;
        }

        return abandoned;
    }

    /// <summary>Cancels one running trial; false when it does not run here.</summary>
    public bool CancelTrial(Guid experimentId, Guid trialId, string reason)
    {
        if (trials.TryGetValue(trialId, out var trial) && trial.ExperimentId == experimentId)
        {
            trial.Cancel(reason);
            return true;
        }

        return false;
    }
}
