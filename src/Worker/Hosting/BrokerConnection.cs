using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Hosting;

/// <summary>
/// Starts a host whose MassTransit bus joins a RabbitMQ broker only once the broker has accepted the connection, so
/// that a broker that is down, or refuses the credentials, is one error at the start with its reason, instead of a
/// scheduler whose first send waits forever or a worker that looks live and serves nothing.
/// </summary>
public static class BrokerConnection
{
    /// <summary>How long a start waits for the broker to accept a connection.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Makes the host's start wait for the bus (at most <see cref="ConnectTimeout"/>), and keeps MassTransit's log
    /// quiet until then: while it retries the first connection it logs each failure with a stack trace, pages in
    /// front of the one line <see cref="StartAsync"/> reports. Once started, it logs from <paramref name="minimumLevel"/>
    /// up (a later outage is logged as it happens); this rule is the MassTransit category's, in place of any other.
    /// </summary>
    public static void WaitForBrokerOnStart(this HostApplicationBuilder builder, LogLevel minimumLevel)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            options.WaitUntilStarted = true;
            options.StartTimeout = ConnectTimeout;
        });
        var started = new BusStarted();
        builder.Services.AddSingleton(started);
        builder.Logging.AddFilter("MassTransit", level => started.Value && level >= minimumLevel);
    }

    /// <summary>Starts <paramref name="host"/>; a bus that cannot reach <paramref name="broker"/> is a <see cref="BrokerConnectionException"/>.</summary>
    /// <exception cref="BrokerConnectionException">
    /// The broker did not accept the connection in time; the message names it (without its password) and the reason.
    /// </exception>
    public static async Task StartAsync(IHost host, Uri broker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(broker);
        try
        {
            await host.StartAsync(cancellationToken);
            if (host.Services.GetService<BusStarted>() is { } started)
            {
                started.Value = true;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not ArgumentException)
        {
            throw new BrokerConnectionException(
                $"cannot connect to broker '{WithoutPassword(broker)}' (waited at most {ConnectTimeout.TotalSeconds:0} s): {ex.GetBaseException().Message}", ex);
        }
    }

    /// <summary>Set once the bus has started; MassTransit logs nothing before (see <see cref="WaitForBrokerOnStart"/>).</summary>
    private sealed class BusStarted
    {
        private volatile bool _value;

        public bool Value
        {
            get => _value;
            set => _value = value;
        }
    }

    /// <summary>The broker's address as it may be shown: without its password.</summary>
    public static Uri WithoutPassword(Uri broker)
    {
        ArgumentNullException.ThrowIfNull(broker);
        return new UriBuilder(broker) { Password = string.Empty }.Uri;
    }
}

/// <summary>The broker did not accept a connection at the start; the message names it (without its password) and why.</summary>
public sealed class BrokerConnectionException(string message, Exception innerException) : InvalidOperationException(message, innerException);
