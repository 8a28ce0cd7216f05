using System.Text.Json;
using System.Threading.Channels;
using HyperQueue.Contracts;
using HyperQueue.Worker.Hosting;
using HyperQueue.Worker.Leases;
using HyperQueue.Worker.Trials;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HyperQueue.Worker.Tests.Trials;

/// <summary>A worker on MassTransit's in-memory test harness, with a results queue that collects its answers.</summary>
internal sealed class WorkerTestHarness : IAsyncDisposable
{
    private const string ResultsQueue = "hq.results.test";

    private readonly ServiceProvider provider;
    private readonly Channel<object> answers = Channel.CreateUnbounded<object>();
    private readonly List<object> passedOver = [];

    private WorkerTestHarness(ServiceProvider provider)
    {
        this.provider = provider;
    }

    public InMemoryInFlightStore Store => (InMemoryInFlightStore)provider.GetRequiredService<IInFlightStore>();

    internal RunningTrials RunningTrials => provider.GetRequiredService<RunningTrials>();

    public ITestHarness Bus => provider.GetRequiredService<ITestHarness>();

    public static async Task<WorkerTestHarness> StartAsync(Action<WorkerBuilder> configure)
    {
        WorkerTestHarness? harness = null;
        var provider = new ServiceCollection()
            .AddSingleton<IInFlightStore>(new InMemoryInFlightStore(TimeProvider.System))
            .AddHyperQueueWorker(worker =>
            {
                worker.Configure(options =>
                {
                    options.WorkerId = "worker-under-test";
                    options.Slots = 4;
                    options.LeaseDuration = TimeSpan.FromSeconds(5);
                    options.HeartbeatInterval = TimeSpan.FromMilliseconds(50);
                    // Every start reported at once, as most tests assert; the delayed notice has tests of its own.
                    options.StartedNoticeDelay = TimeSpan.Zero;
                });
                configure(worker);
            })
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddHyperQueueWorkerConsumers();
                bus.UsingInMemory((context, transport) =>
                {
                    transport.ConfigureHyperQueueWorkerEndpoints(context);
                    transport.ReceiveEndpoint(ResultsQueue, endpoint =>
                    {
                        endpoint.Handler<TrialStarted>(answer => harness!.answers.Writer.WriteAsync(answer.Message).AsTask());
                        endpoint.Handler<TrialCompleted>(answer => harness!.answers.Writer.WriteAsync(answer.Message).AsTask());
                    });
                    transport.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(validateScopes: true);
        harness = new WorkerTestHarness(provider);
        await harness.Bus.Start();
        return harness;
    }

    /// <summary>A message for a running experiment whose slot the scheduler has taken, as the scheduler sends it.</summary>
    public async Task<EvaluateTrial> CreateTrialAsync(string objective, string parametersJson = """{"x": 2.5}""", DateTimeOffset? experimentDeadline = null)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var message = new EvaluateTrial
        {
            ExperimentId = Guid.NewGuid(),
            TrialId = Guid.NewGuid(),
            TrialNumber = 3,
            Objective = objective,
            Parameters = JsonDocument.Parse(parametersJson).RootElement.Clone(),
            RawValues = new Dictionary<string, double?> { ["x"] = 2.5 },
            Attempt = 2,
            ExperimentDeadline = experimentDeadline,
        };
        await Store.CreateExperimentAsync(message.ExperimentId, 4, null, cancellationToken);
        Assert.True(await Store.TryAcquireSlotAsync(message.ExperimentId, message.TrialId, TimeSpan.FromSeconds(5), cancellationToken));
        return message;
    }

    public async Task SendAsync(EvaluateTrial message, string? queue = null)
    {
        var endpoint = await Bus.Bus.GetSendEndpoint(new Uri($"queue:{queue ?? "hq.evaluate." + message.Objective}"));
        await endpoint.Send(message, context => context.ResponseAddress = new Uri($"queue:{ResultsQueue}"), TestContext.Current.CancellationToken);
    }

    /// <summary>Sends an EvaluateTrial built from an arbitrary object (MassTransit's message initializer), fields missing as they are.</summary>
    public async Task SendRawAsync(string objective, object values)
    {
        var endpoint = await Bus.Bus.GetSendEndpoint(new Uri($"queue:hq.evaluate.{objective}"));
        await endpoint.Send<EvaluateTrial>(values, context => context.ResponseAddress = new Uri($"queue:{ResultsQueue}"), TestContext.Current.CancellationToken);
    }

    /// <summary>The next TrialCompleted answer, waiting at most 30 s; other answers are kept for <see cref="DrainAnswers"/>.</summary>
    public async Task<TrialCompleted> NextCompletedAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            var answer = await answers.Reader.ReadAsync(timeout.Token);
            if (answer is TrialCompleted completed)
            {
                return completed;
            }

            passedOver.Add(answer);
        }
    }

    /// <summary>Every answer received so far that <see cref="NextCompletedAsync"/> did not return, in order.</summary>
    public IReadOnlyList<object> DrainAnswers()
    {
        var drained = new List<object>(passedOver);
        passedOver.Clear();
        while (answers.Reader.TryRead(out var answer))
        {
            drained.Add(answer);
        }

        return drained;
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await provider.DisposeAsync();
    }
}
