using System.Collections.Concurrent;

namespace HyperQueue.Worker.Trials;

/// <summary>
/// Starts objectives on threads of their own, never on the thread pool (an objective that computes synchronously for
/// an hour must not hold a pool thread), like a dedicated thread per trial, but a thread that started a trial waits
/// for the next one instead of exiting: creating a thread per trial cost more than a short objective itself.
/// A started objective never waits behind another: without an idle thread, a new one starts. Only the synchronous
/// part runs here; after its first await an objective continues on the thread pool, as on a dedicated thread.
/// </summary>
internal sealed class ObjectiveThreads : IDisposable
{
    /// <summary>How long an idle thread waits for another trial before it exits.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<Action> _queue = new();
    private readonly SemaphoreSlim _wake = new(0);
    private int _idle;
    private int _threads;

    /// <summary>Threads alive now, idle or running an objective.</summary>
    public int ThreadCount => Volatile.Read(ref _threads);

    /// <summary>Threads waiting for an objective to start.</summary>
    public int IdleCount => Volatile.Read(ref _idle);

    /// <summary>Calls <paramref name="evaluate"/> on one of these threads; an exception it throws faults the returned task.</summary>
    public Task<T> Run<T>(Func<Task<T>> evaluate)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        var started = new TaskCompletionSource<Task<T>>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue(() =>
        {
            try
            {
                started.SetResult(evaluate());
            }
#pragma warning disable CA1031 // Handed to the caller through the task, like an exception of Task.Run's delegate.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                started.SetException(exception);
            }
        });

        // Each queued objective is paired with one wake-up: an idle thread claimed here, or a new thread.
        if (TryClaimIdle())
        {
            _wake.Release();
        }
        else
        {
            Interlocked.Increment(ref _threads);
            new Thread(Work) { IsBackground = true, Name = "hq-objective" }.Start();
        }

        return started.Task.Unwrap();
    }

    public void Dispose() => _wake.Dispose();

    private void Work()
    {
        try
        {
            while (true)
            {
                if (_queue.TryDequeue(out var start))
                {
                    start();
                }

                Interlocked.Increment(ref _idle);
                if (!_wake.Wait(IdleTimeout))
                {
                    // Exit unless every idle count has been claimed by an objective whose wake-up is on its way.
                    if (TryClaimIdle())
                    {
                        return;
                    }

                    _wake.Wait();
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // The worker is shutting down.
        }
        finally
        {
            Interlocked.Decrement(ref _threads);
        }
    }

    private bool TryClaimIdle()
    {
        var idle = Volatile.Read(ref _idle);
        while (idle > 0)
        {
            var seen = Interlocked.CompareExchange(ref _idle, idle - 1, idle);
            if (seen == idle)
            {
                return true;
            }

            idle = seen;
        }

        return false;
    }
}
