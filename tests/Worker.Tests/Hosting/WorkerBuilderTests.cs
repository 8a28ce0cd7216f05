using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.DependencyInjection;

namespace HyperQueue.Worker.Tests.Hosting;

public sealed class WorkerBuilderTests
{
    private sealed class ConstantObjective : IObjective
    {
        public Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken) => Task.FromResult<ObjectiveResult>(4);
    }

    [Fact]
    public void AddHyperQueueWorker_CalledTwice_ServesTheObjectivesOfBoth()
    {
        var services = new ServiceCollection()
            .AddHyperQueueWorker(worker => worker.AddObjective<ConstantObjective>("b"))
            .AddHyperQueueWorker(worker => worker.AddCommandObjective("a", new CommandObjectiveDefinition(["true"])));
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<ObjectiveRegistry>();

        Assert.Equal(["a", "b"], registry.Names);
        Assert.True(registry.TryCreate("b", provider, out var objective));
        Assert.IsType<ConstantObjective>(objective);
    }

    [Theory]
    [InlineData("has space", "objective name 'has space' must be 1 to 200 characters of letters, digits, '.', '_' or '-'")]
    [InlineData("dup", "objective 'dup' is already registered on this worker")]
    public void AddObjective_BadOrDuplicateName_ThrowsNamingIt(string name, string message)
    {
        var exception = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHyperQueueWorker(worker => worker
            .AddObjective("dup", (_, _) => Task.FromResult<ObjectiveResult>(1))
            .AddObjective(name, (_, _) => Task.FromResult<ObjectiveResult>(1))));

        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddCommandObjective_NonPositiveTimeout_ThrowsNamingObjectiveAndValue()
    {
        var exception = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHyperQueueWorker(worker =>
            worker.AddCommandObjective("train", new CommandObjectiveDefinition(["python3"], Timeout: TimeSpan.Zero))));

        Assert.Equal("command objective 'train': timeout (00:00:00) must be positive", exception.Message);
    }
}
