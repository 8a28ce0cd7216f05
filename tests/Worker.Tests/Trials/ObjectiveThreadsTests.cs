using HyperQueue.Worker.Trials;

namespace HyperQueue.Worker.Tests.Trials;

public sealed class ObjectiveThreadsTests
{
    [Fact]
    public async Task Run_SynchronousObjective_RunsOffTheThreadPoolAndReturnsItsResult()
    {
        using var threads = new ObjectiveThreads();

        var (onPool, result) = await threads.Run(() => Task.FromResult((Thread.CurrentThread.IsThreadPoolThread, 42)));

        Assert.False(onPool);
        Assert.Equal(42, result);
    }

    [Fact]
    public async Task Run_AfterAnObjectiveStarted_ReusesItsIdleThread()
    {
        using var threads = new ObjectiveThreads();
        var first = await threads.Run(() => Task.FromResult(Environment.CurrentManagedThreadId));
        await WaitUntilAsync(() => threads.IdleCount == 1);

        var second = await threads.Run(() => Task.FromResult(Environment.CurrentManagedThreadId));

        Assert.Equal(first, second);
        Assert.Equal(1, threads.ThreadCount);
    }

    [Fact]
    public async Task Run_WhileAnotherObjectiveBlocksItsThread_StartsOnAnotherThread()
    {
        using var threads = new ObjectiveThreads();
        using var release = new ManualResetEventSlim();
        var blocked = threads.Run(() =>
        {
            release.Wait(TestContext.Current.CancellationToken);
            return Task.FromResult(Environment.CurrentManagedThreadId);
        });

        var other = await threads.Run(() => Task.FromResult(Environment.CurrentManagedThreadId));
        release.Set();

        Assert.NotEqual(other, await blocked);
        Assert.Equal(2, threads.ThreadCount);
    }

    [Fact]
    public async Task Run_ObjectiveThrowsBeforeItsFirstAwait_FaultsTheTaskWithTheException()
    {
        using var threads = new ObjectiveThreads();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => threads.Run<int>(() => throw new InvalidOperationException("objective broke")));

        Assert.Equal("objective broke", error.Message);
    }

    [Fact]
    public async Task Run_AsyncObjective_ContinuesOnTheThreadPoolAfterItsFirstAwait()
    {
        using var threads = new ObjectiveThreads();

        var onPool = await threads.Run(async () =>
        {
            await Task.Yield();
            return Thread.CurrentThread.IsThreadPoolThread;
        });

        Assert.True(onPool);
    }

    /// <summary>A thread marks itself idle just after its objective started; this waits for that, it times nothing.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
