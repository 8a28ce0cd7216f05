using HyperQueue.Scheduler.Cli;

namespace HyperQueue.Scheduler.Tests.Cli;

public sealed class WorkerCommandTests
{
    [Theory]
    [InlineData("mysql://x", "hq worker: tracking: tracking URI 'mysql://x' is not recognised; accepted forms: 'sqlite:<path>', 'postgres://user:password@host:port/database' or an Npgsql connection string ('Host=...;Database=...')")]
    [InlineData(" ", "hq worker: tracking: tracking URI ' ' is empty; accepted forms: 'sqlite:<path>', 'postgres://user:password@host:port/database' or an Npgsql connection string ('Host=...;Database=...')")]
    public void Run_TrackingUriOfNoAcceptedForm_ExitsTwoBeforeConnectingToAnything(string tracking, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        // Nothing listens on port 1: the URI is refused before the worker tries Redis or the broker.
        var code = HqCommand.Run(
            ["worker", "--broker", "amqp://guest:guest@127.0.0.1:1/", "--redis", "127.0.0.1:1", "--tracking", tracking], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Equal("", stdout.ToString());
        Assert.Equal(expected + Environment.NewLine, stderr.ToString());
    }
}
