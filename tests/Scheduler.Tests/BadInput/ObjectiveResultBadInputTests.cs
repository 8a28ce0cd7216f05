using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;
using HyperQueue.Tracking.Runs;
using HyperQueue.Worker.Objectives;

namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>
/// Objectives that return what no loss is (NaN, -infinity, nothing, a result without a loss), throw with a huge
/// message or attach megabytes: each is one recorded trial with hyperopt's outcome and a reason, inline
/// (<see cref="Trials"/>) and through the embedded bus and worker (<see cref="QueueTrials"/>), and the tracking
/// store holds exactly those trials; the good trial after them still completes and is the best.
/// </summary>
public sealed class ObjectiveResultBadInputTests : IDisposable
{
    private const int AttachmentLength = 10 * 1024 * 1024;

    private const int ExceptionMessageLength = 1024 * 1024;

    private readonly string _directory = Directory.CreateTempSubdirectory("hq-bad-result-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>What each case's objective returns, and the status and error type its trial must end with.</summary>
    private static readonly (string Name, Func<ObjectiveResult?> Result, TrialStatus Status, string? ErrorType)[] Cases =
    [
        ("nan", () => double.NaN, TrialStatus.Fail, "invalid_result"),
        ("-infinity", () => double.NegativeInfinity, TrialStatus.Fail, "invalid_result"),
        ("null result", () => null, TrialStatus.Fail, "invalid_result"),
        ("ok without loss", () => new ObjectiveResult { Status = TrialStatus.Ok }, TrialStatus.Fail, "invalid_result"),
        ("nan variance", () => new ObjectiveResult { Loss = 3, LossVariance = double.NaN }, TrialStatus.Fail, "invalid_result"),
        ("-infinity true loss", () => new ObjectiveResult { Loss = 3, TrueLoss = double.NegativeInfinity }, TrialStatus.Fail, "invalid_result"),
        ("fail carrying a nan variance", () => new ObjectiveResult { Status = TrialStatus.Fail, LossVariance = double.NaN, Error = new TrialError("fail", "diverged") }, TrialStatus.Fail, "fail"),
        ("10 MB attachment", () => new ObjectiveResult { Loss = 2, Attachments = new Dictionary<string, string> { ["blob"] = new('x', AttachmentLength), ["ctl\u0000\n"] = "\u0001'; DROP TABLE runs; --" } }, TrialStatus.Ok, null),
        ("1 MB exception message", () => throw new InvalidOperationException(new string('e', ExceptionMessageLength)), TrialStatus.Fail, typeof(InvalidOperationException).FullName),
        ("+infinity", () => double.PositiveInfinity, TrialStatus.Ok, null),
        ("good", () => 0.5, TrialStatus.Ok, null),
    ];

    private static readonly SearchSpace Space = SearchSpace.Create(new Dictionary<string, object?> { ["case"] = Hp.Choice("case", [.. Enumerable.Range(0, Cases.Length).Cast<object?>()]) });

    /// <summary>Every case once, in order: the points are raw choice indexes.</summary>
    private static readonly IReadOnlyList<IReadOnlyDictionary<string, double?>> EveryCase =
        [.. Enumerable.Range(0, Cases.Length).Select(i => (IReadOnlyDictionary<string, double?>)new Dictionary<string, double?> { ["case"] = i })];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MinimizeAsync_EveryBadResult_OneTrialEachWithHyperoptsOutcomeAndTheStoreHoldsThem(bool throughWorkers)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var tracking = TrackingClient.Create($"sqlite:{Path.Combine(_directory, "runs.db")}");
        await tracking.InitializeAsync(cancellationToken);

        FMinResult result;
        IReadOnlyList<TrialRecord> trials;
        if (throughWorkers)
        {
            await using var backend = await QueueBackend.StartEmbeddedAsync(
                worker => worker.AddObjective("bad-results", (context, _) => Task.FromResult(Evaluate(context.Parameters)!)), slots: 1, cancellationToken: cancellationToken);
            var queueTrials = new QueueTrials(backend, "bad-results", parallelism: 1);
            result = await FMin.MinimizeAsync(
                queueTrials, Space, Algo.Rand(), maxEvals: Cases.Length, seed: 1, pointsToEvaluate: EveryCase, showProgress: false,
                tracking: tracking, experimentName: "bad-results", cancellationToken: cancellationToken);
            trials = queueTrials.All;
        }
        else
        {
            var localTrials = new Trials();
            result = await FMin.MinimizeAsync(
                (Func<TrialParameters, ObjectiveResult>)(parameters => Evaluate(parameters)!), Space, Algo.Rand(), maxEvals: Cases.Length, trials: localTrials,
                seed: 1, pointsToEvaluate: EveryCase, showProgress: false, tracking: tracking, experimentName: "bad-results", cancellationToken: cancellationToken);
            trials = localTrials.All;
        }

        Assert.Equal(Cases.Length, trials.Count);
        trials = [.. trials.OrderBy(t => t.Number)];
        for (var i = 0; i < Cases.Length; i++)
        {
            var (name, _, status, errorType) = Cases[i];
            var trial = trials.Single(t => t.Number == i);
            Assert.True(status == trial.Status, $"case '{name}': status {trial.Status}, expected {status}; error {trial.Error}");
            Assert.Equal(errorType, trial.Error?.Type);
            if (status == TrialStatus.Fail)
            {
                Assert.Null(trial.Loss);
                Assert.False(string.IsNullOrWhiteSpace(trial.Error!.Message), $"case '{name}' failed without a reason");
            }
        }

        Assert.Equal("loss is NaN", trials[0].Error!.Message);
        Assert.Equal("loss is -infinity", trials[1].Error!.Message);
        Assert.Equal("loss_variance is NaN; it must be a finite number, zero or more", trials[4].Error!.Message);
        Assert.Equal("true_loss is -Infinity; like the loss it must be a number or +infinity", trials[5].Error!.Message);
        Assert.Equal(new TrialError("fail", "diverged"), trials[6].Error);
        Assert.Null(trials[6].LossVariance);
        Assert.Equal(AttachmentLength, trials[7].Attachments["blob"].Length);
        Assert.Equal("\u0001'; DROP TABLE runs; --", trials[7].Attachments["ctl\u0000\n"]);
        Assert.Equal(typeof(InvalidOperationException).FullName, trials[8].Error!.Type);
        Assert.Equal(double.PositiveInfinity, trials[9].Loss);
        Assert.Equal(0.5, result.BestLoss);
        Assert.Equal(new TrialCounts(Cases.Length, 3, 8, 0), result.Counts);

        // The store holds the same trials with the same outcomes, and the experiment's runs ended.
        var experiment = await tracking.GetExperimentByNameAsync("bad-results", cancellationToken);
        var stored = await tracking.ListTrialsAsync(experiment!.ExperimentId, cancellationToken: cancellationToken);
        Assert.Equal(
            trials.OrderBy(t => t.Number).Select(t => (t.Number, t.Status, t.Loss, t.Error?.Type)),
            stored.OrderBy(t => t.Number).Select(t => (t.Number, t.Status, t.Loss, t.ErrorType)));
        // The megabyte exception message is kept, cut to MLflow's tag limit, in the trial row and the run's tag.
        var thrown = stored.Single(t => t.Number == 8);
        Assert.Equal(new string('e', 8000), thrown.ErrorMessage);
        Assert.Equal(new string('e', 8000), (await tracking.GetRunAsync(thrown.RunId, cancellationToken))!.Tags["hq.error_message"]);
        var runs = await tracking.SearchRunsAsync(new RunSearch { ExperimentId = experiment.ExperimentId }, cancellationToken);
        Assert.Equal(Cases.Length + 1, runs.Items.Count);
        Assert.DoesNotContain(runs.Items, run => run.Status == RunStatus.Running);
    }

    private static ObjectiveResult? Evaluate(TrialParameters parameters) => Cases[parameters.GetInt32("case")].Result();
}
