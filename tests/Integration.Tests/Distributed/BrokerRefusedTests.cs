using System.Diagnostics;
using HyperQueue.Scheduler.Cli;
using HyperQueue.TestInfrastructure.Services;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// A broker that refuses the scheduler is an error at the start (exit 2, one line naming the broker), before the
/// tracking store records anything; it used to leave a failed parent run with trials stuck running. A worker it
/// refuses exits the same way instead of running on, registered as live, with a stack trace per reconnection.
/// </summary>
public sealed class BrokerRefusedTests(TestServices services)
{
    [Fact]
    public async Task Tune_BrokerRefusesTheCredentials_ExitsTwoNamingTheBrokerWithoutThePasswordAndRecordsNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new UriBuilder((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString) { Password = "not-the-password" }.Uri;
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;
        var folder = Directory.CreateTempSubdirectory("hq-broker-refused-");
        try
        {
            var spec = Path.Combine(folder.FullName, "spec.json");
            await File.WriteAllTextAsync(
                spec,
                """{"name": "refused", "objective": "branin", "space": {"x": {"$hp": "uniform", "low": 0, "high": 1}}, "maxEvals": 4}""",
                cancellationToken);
            var tracking = "sqlite:" + Path.Combine(folder.FullName, "runs.db");

            var (code, _, stderr) = Run("tune", spec, "--broker", broker.ToString(), "--redis", redis, "--tracking", tracking, "--no-progress");

            Assert.Equal(ExitCodes.BadInput, code);
            var error = Assert.Single(stderr.Split('\n'), line => line.StartsWith("hq tune:", StringComparison.Ordinal));
            Assert.StartsWith($"hq tune: cannot start: cannot connect to broker '{new UriBuilder(broker) { Password = string.Empty }.Uri}'", error, StringComparison.Ordinal);
            Assert.Contains("ACCESS_REFUSED", error, StringComparison.Ordinal);
            Assert.DoesNotContain("not-the-password", stderr, StringComparison.Ordinal);

            var (listed, stdout, _) = Run("experiments", "list", "--tracking", tracking, "--json");
            Assert.Equal(0, listed);
            Assert.Equal("[]", stdout.Trim());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Worker_BrokerRefusesTheCredentials_ExitsTwoWithOneLineNamingTheBrokerWithoutThePassword()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var broker = new UriBuilder((await services.RabbitMq.RequireAsync(cancellationToken)).ConnectionString) { Password = "not-the-password" }.Uri;
        var redis = (await services.Redis.RequireAsync(cancellationToken)).ConnectionString;

        // A process of its own: its whole output is the one line (MassTransit's log of each failed connection, a
        // stack trace apiece, used to come first).
        using var worker = Process.Start(WorkerStart(broker, redis))!;
        var stdoutRead = worker.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = await worker.StandardError.ReadToEndAsync(cancellationToken);
        await worker.WaitForExitAsync(cancellationToken);

        Assert.Equal(ExitCodes.BadInput, worker.ExitCode);
        Assert.Equal(string.Empty, await stdoutRead);
        var error = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"hq worker: cannot connect to broker '{new UriBuilder(broker) { Password = string.Empty }.Uri}' (waited at most 30 s): ", error, StringComparison.Ordinal);
        Assert.Contains("ACCESS_REFUSED", error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", stderr, StringComparison.Ordinal);
    }

    private static ProcessStartInfo WorkerStart(Uri broker, string redis)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "HyperQueue.Scheduler.dll"), "worker", "--broker", broker.ToString(), "--redis", redis, "--slots", "1",
        })
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = HqCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
