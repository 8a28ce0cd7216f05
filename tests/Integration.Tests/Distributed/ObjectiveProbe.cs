using System.Collections.Concurrent;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// An objective that sleeps for a fixed time and measures itself: how many of its evaluations ran at once, when
/// each trial started and which ones ran to the end. Shared by every in-process worker of a test, so its maximum is
/// the concurrency across workers.
/// </summary>
internal sealed class ObjectiveProbe(TimeSpan duration, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _starts = new();
    private readonly ConcurrentBag<Guid> _finished = [];
    private readonly ConcurrentBag<Guid> _evaluations = [];
    private int _running;
    private int _maxRunning;

    public int MaxConcurrency => Volatile.Read(ref _maxRunning);

    /// <summary>The first start of each trial, by the objective's own clock.</summary>
    public IReadOnlyDictionary<Guid, DateTimeOffset> Starts => _starts;

    /// <summary>Trials whose evaluation ran to the end (not cancelled), once per evaluation.</summary>
    public IReadOnlyCollection<Guid> Finished => _finished;

    /// <summary>Every evaluation started, once per evaluation (a redelivered trial appears twice).</summary>
    public IReadOnlyCollection<Guid> Evaluations => _evaluations;

    public async Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken)
    {
        _starts.TryAdd(context.TrialId, time.GetUtcNow());
        _evaluations.Add(context.TrialId);
        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            await Task.Delay(duration, time, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }

        _finished.Add(context.TrialId);
        return context.Parameters.GetDouble("x");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
