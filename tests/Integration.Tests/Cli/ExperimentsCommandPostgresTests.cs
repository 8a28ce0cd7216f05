using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Scheduler.Cli;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Integration.Tests.Cli;

/// <summary><c>hq experiments</c> against a real Postgres store given as an Npgsql connection string.</summary>
public sealed class ExperimentsCommandPostgresTests(TestServices services)
{
    [Fact]
    public async Task ShowAndExport_PostgresStore_ReadTheSameExperimentAsOnSqlite()
    {
        var ct = TestContext.Current.CancellationToken;
        var trackingUri = await services.Postgres.CreateDatabaseAsync(ct);
        List<string> expectedRows = ["number,status,loss,run_id,parent_run_id,depth"];
        await using (var client = TrackingClient.Create(trackingUri))
        {
            var experiment = await client.CreateExperimentAsync("pg-experiment", ct);
            var parent = await client.CreateRunAsync(experiment.ExperimentId, "pg-experiment", cancellationToken: ct);
            double?[] losses = [0.9, 0.3, null];
            for (var number = 0; number < losses.Length; number++)
            {
                var child = await client.CreateRunAsync(experiment.ExperimentId, $"trial {number}", parent.RunId, cancellationToken: ct);
                expectedRows.Add($"{number},{(losses[number] is null ? "fail" : "ok")},{losses[number]?.ToString(CultureInfo.InvariantCulture)},{child.RunId},{parent.RunId},{number + 2}");
                using var parameters = JsonDocument.Parse($$"""{"depth": {{number + 2}}}""");
                await client.UpsertTrialAsync(new TrialRecord
                {
                    TrialId = Guid.NewGuid(),
                    ExperimentId = experiment.ExperimentId,
                    RunId = child.RunId,
                    ParentRunId = parent.RunId,
                    Number = number,
                    State = TrialState.Done,
                    Status = losses[number] is null ? TrialStatus.Fail : TrialStatus.Ok,
                    Loss = losses[number],
                    RawValues = new Dictionary<string, double?> { ["depth"] = number + 2 },
                    Parameters = parameters.RootElement.Clone(),
                }, ct);
            }

            await client.EndRunAsync(parent.RunId, RunStatus.Finished, ct);
        }

        var show = Run("experiments", "show", "pg-experiment", "--tracking", trackingUri, "--json");
        var export = Run("experiments", "export", "pg-experiment", "--tracking", trackingUri);

        Assert.True(show.Code == 0, show.Stderr);
        using var json = JsonDocument.Parse(show.Stdout);
        Assert.Equal("FINISHED", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("counts").GetProperty("ok").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("best").GetProperty("number").GetInt32());
        Assert.Equal(0.3, json.RootElement.GetProperty("best").GetProperty("loss").GetDouble());
        Assert.True(export.Code == 0, export.Stderr);
        Assert.Equal(expectedRows, export.Stdout.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Show_UnknownExperimentOnPostgres_ExitsTwoWithoutEchoingTheConnectionString()
    {
        var trackingUri = await services.Postgres.CreateDatabaseAsync(TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = Run("experiments", "show", "nosuch", "--tracking", trackingUri);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith(
            "hq experiments show: no experiment named or with id 'nosuch' in the Postgres tracking store given by --tracking",
            stderr,
            StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = HqCommand.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
