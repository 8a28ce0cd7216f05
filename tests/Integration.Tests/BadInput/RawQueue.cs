using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace HyperQueue.Integration.Tests.BadInput;

/// <summary>Raw AMQP access to a queue, below MassTransit: bytes in with any content type, counts and bodies out.</summary>
internal static class RawQueue
{
    public const string MassTransitJson = "application/vnd.masstransit+json";

    public static async Task PublishAsync(Uri broker, string queue, byte[] body, string? contentType, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.BasicPublishAsync(
            exchange: "",
            routingKey: queue,
            mandatory: false,
            basicProperties: new BasicProperties { ContentType = contentType, Persistent = true },
            body: body,
            cancellationToken: cancellationToken);
    }

    public static async Task DeclareAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellationToken);
    }

    /// <summary>A MassTransit envelope around <paramref name="message"/> (any shape), as a foreign or broken sender would write it.</summary>
    public static byte[] Envelope(string messageType, object message, string? responseAddress = null) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object?>
        {
            ["messageId"] = Guid.NewGuid(),
            ["messageType"] = new[] { $"urn:message:{messageType}" },
            ["responseAddress"] = responseAddress,
            ["message"] = message,
        });

    /// <summary>The queue's message count; 0 when the queue does not exist (yet).</summary>
    public static async Task<uint> CountAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException)
        {
            // A passive declare of a missing queue closes the channel with 404.
            return 0;
        }
    }

    /// <summary>Waits (at most 30 s) until the queues together hold <paramref name="expected"/> messages; returns the last total seen.</summary>
    public static async Task<uint> WaitForTotalAsync(Uri broker, IReadOnlyList<string> queues, uint expected, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        uint total = 0;
        try
        {
            while (true)
            {
                total = 0;
                foreach (var queue in queues)
                {
                    total += await CountAsync(broker, queue, wait.Token);
                }

                if (total >= expected)
                {
                    return total;
                }

                await Task.Delay(100, wait.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return total;
        }
    }

    /// <summary>Takes every message from the queue and returns the bodies as text.</summary>
    public static async Task<List<string>> DrainAsync(Uri broker, string queue, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var bodies = new List<string>();
        while (await channel.BasicGetAsync(queue, autoAck: true, cancellationToken) is { } message)
        {
            bodies.Add(Encoding.UTF8.GetString(message.Body.Span));
        }

        return bodies;
    }

    public static async Task DeleteAsync(Uri broker, IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        foreach (var queue in queues)
        {
            await channel.QueueDeleteAsync(queue, cancellationToken: cancellationToken);
        }
    }
}
