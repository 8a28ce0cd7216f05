using System.Globalization;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary>
/// Writes an experiment as fmin would through <see cref="TrackingClient"/>: a parent run with max_evals, one child
/// run per trial with params, a loss metric and a trial record; some trials fail; the best trial gets an artifact.
/// </summary>
internal static class ExperimentSeeder
{
    public static readonly string[] Boosters = ["dart", "gbdt", "goss"];

    public sealed record Seeded(string ExperimentId, string ParentRunId, IReadOnlyList<TrialRecord> Trials, string BestRunId, double BestLoss, int Failed);

    public static async Task<Seeded> SeedAsync(TrackingClient client, string name, int trialCount, bool finishParent, CancellationToken cancellationToken)
    {
        var experiment = await client.CreateExperimentAsync(name, cancellationToken);
        var parent = await client.CreateRunAsync(experiment.ExperimentId, "fmin", cancellationToken: cancellationToken);
        await client.LogBatchAsync(
            parent.RunId,
            parameters: [new("max_evals", "40"), new("algo", "tpe"), new("parallelism", "4")],
            cancellationToken: cancellationToken);

        // A fixed seed: the same losses on every run of the test.
        var random = new Random(7);
        var start = DateTimeOffset.FromUnixTimeMilliseconds(1_790_000_000_000);
        var trials = new List<TrialRecord>();
        for (var number = 0; number < trialCount; number++)
        {
            var learningRate = Math.Pow(10, -4 + (3 * random.NextDouble()));
            var leaves = random.Next(8, 129);
            var booster = random.Next(Boosters.Length);
            var failed = number % 11 == 5;
            var loss = (0.1 * Math.Pow(Math.Log10(learningRate) + 1.5, 2)) + (Math.Abs(leaves - 48) / 200.0) + (booster * 0.05) + (0.02 * random.NextDouble());
            var parameters = JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                ["booster"] = Boosters[booster],
                ["learning_rate"] = learningRate,
                ["num_leaves"] = leaves,
            });
            var child = await client.CreateRunAsync(
                experiment.ExperimentId, $"trial {number}", parent.RunId,
                new Dictionary<string, string> { ["trial.number"] = number.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
            await client.LogBatchAsync(
                child.RunId,
                metrics: failed ? [] : [new Metric("loss", loss, 0, start.AddSeconds(number))],
                parameters: ParamValue.Flatten(parameters),
                tags: failed ? [new("error.message", "objective raised ValueError: diverged")] : [],
                cancellationToken: cancellationToken);
            var record = new TrialRecord
            {
                TrialId = Guid.NewGuid(),
                ExperimentId = experiment.ExperimentId,
                RunId = child.RunId,
                ParentRunId = parent.RunId,
                Number = number,
                State = TrialState.Done,
                Status = failed ? TrialStatus.Fail : TrialStatus.Ok,
                Loss = failed ? null : loss,
                RawValues = new Dictionary<string, double?> { ["booster"] = booster, ["learning_rate"] = learningRate, ["num_leaves"] = leaves },
                Parameters = parameters,
                Attempts = 1,
                WorkerId = $"worker-{number % 3}",
                ErrorType = failed ? "ValueError" : null,
                ErrorMessage = failed ? "diverged" : null,
                StartedAt = start.AddSeconds(number),
                EndedAt = start.AddSeconds(number).AddMilliseconds(800 + (37 * number)),
            };
            await client.UpsertTrialAsync(record, cancellationToken);
            await client.EndRunAsync(child.RunId, failed ? RunStatus.Failed : RunStatus.Finished, cancellationToken);
            trials.Add(record);
        }

        var best = trials.Where(trial => trial.Status == TrialStatus.Ok).MinBy(trial => trial.Loss!.Value)!;
        for (var step = 0; step < 20; step++)
        {
            await client.LogMetricAsync(best.RunId, "train_rmse", 0.9 * Math.Exp(-step / 6.0) + 0.6, step, start.AddSeconds(step), cancellationToken);
        }

        var report = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(report, "feature,importance\nalcohol,0.41\n", cancellationToken);
            await client.LogArtifactAsync(best.RunId, report, "reports/importance.csv", cancellationToken);
        }
        finally
        {
            File.Delete(report);
        }

        if (finishParent)
        {
            await client.EndRunAsync(parent.RunId, RunStatus.Finished, cancellationToken);
        }

        return new Seeded(experiment.ExperimentId, parent.RunId, trials, best.RunId, best.Loss!.Value, trials.Count(trial => trial.Status == TrialStatus.Fail));
    }
}
