using HyperQueue.TestInfrastructure.Services;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace HyperQueue.Integration.Tests.Smoke;

public sealed class RabbitMqSmokeTests(TestServices services)
{
    public sealed record Ping(Guid Id, string Text);

    public sealed class PingConsumer(TaskCompletionSource<Ping> received) : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context)
        {
            received.TrySetResult(context.Message);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Send_ThroughRealBroker_IsConsumedWithTheSameBody()
    {
        var broker = await services.RabbitMq.RequireAsync(TestContext.Current.CancellationToken);
        var received = new TaskCompletionSource<Ping>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = "hq.smoke." + Guid.NewGuid().ToString("N");

        var provider = new ServiceCollection()
            .AddSingleton(received)
            .AddMassTransit(bus =>
            {
                bus.AddConsumer<PingConsumer>();
                bus.UsingRabbitMq((context, rabbit) =>
                {
                    rabbit.Host(new Uri(broker.ConnectionString));
                    rabbit.ReceiveEndpoint(queue, endpoint =>
                    {
                        endpoint.AutoDelete = true;
                        endpoint.ConfigureConsumer<PingConsumer>(context);
                    });
                });
            })
            .BuildServiceProvider();
        await using var _ = provider;
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            var sent = new Ping(Guid.NewGuid(), "héllo \"world\"");
            var endpoint = await control.GetSendEndpoint(new Uri($"queue:{queue}?autodelete=true"));
            await endpoint.Send(sent, TestContext.Current.CancellationToken);

            var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(sent, got);
        }
        finally
        {
            await control.StopAsync(TestContext.Current.CancellationToken);
        }
    }
}
