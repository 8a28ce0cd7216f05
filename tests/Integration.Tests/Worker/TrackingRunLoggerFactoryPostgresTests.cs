using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.TestInfrastructure.Services;
using HyperQueue.Tracking.Client;
using HyperQueue.Worker.Tracking;
using Microsoft.Extensions.Logging.Abstractions;

namespace HyperQueue.Integration.Tests.Worker;

/// <summary>The worker's run loggers on a real Postgres store: trials logging at once, each into its own child run.</summary>
public sealed class TrackingRunLoggerFactoryPostgresTests(TestServices services)
{
    [Fact]
    public async Task Create_ConcurrentTrialsOnPostgres_EachLogsParamMetricAndTagIntoItsOwnRun()
    {
        var ct = TestContext.Current.CancellationToken;
        var trackingUri = await services.Postgres.CreateDatabaseAsync(ct);
        var childRunIds = new List<string>();
        await using (var seed = TrackingClient.Create(trackingUri))
        {
            var experiment = await seed.CreateExperimentAsync("worker-pg", ct);
            var parent = await seed.CreateRunAsync(experiment.ExperimentId, "fmin", cancellationToken: ct);
            for (var i = 0; i < 8; i++)
            {
                childRunIds.Add((await seed.CreateRunAsync(experiment.ExperimentId, $"trial {i}", parent.RunId, cancellationToken: ct)).RunId);
            }
        }

        await using (var factory = new TrackingRunLoggerFactory(TimeProvider.System, NullLoggerFactory.Instance))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, childRunIds.Count), ct, async (i, token) =>
            {
                var run = factory.Create(Message(childRunIds[i]), trackingUri)!;
                await run.LogParamAsync("index", i.ToString(CultureInfo.InvariantCulture), token);
                await run.LogMetricAsync("score", i * 0.5, step: i, token);
                await run.SetTagAsync("worker", $"w{i}", token);
            });
        }

        await using var client = TrackingClient.Create(trackingUri);
        for (var i = 0; i < childRunIds.Count; i++)
        {
            var run = (await client.GetRunAsync(childRunIds[i], ct))!;
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), run.Params["index"]);
            Assert.Equal((i * 0.5, (long)i), (run.Metrics["score"].Value, run.Metrics["score"].Step));
            Assert.Equal($"w{i}", run.Tags["worker"]);
        }
    }

    private static EvaluateTrial Message(string runId) => new()
    {
        ExperimentId = Guid.NewGuid(),
        TrialId = Guid.NewGuid(),
        TrialNumber = 0,
        Objective = "any",
        Parameters = JsonDocument.Parse("{}").RootElement.Clone(),
        RawValues = new Dictionary<string, double?>(),
        RunId = runId,
    };
}
