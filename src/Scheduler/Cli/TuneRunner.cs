using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Dispatch;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Objectives;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Scheduler.Specs;
using HyperQueue.Tracking.Client;
using HyperQueue.Worker.Commands;
using StackExchange.Redis;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// Runs one <c>hq tune</c>: validates everything the spec and flags say before anything is stored, starts the
/// backend (embedded or RabbitMQ + Redis) and the tracking store, runs fmin with <see cref="QueueTrials"/>, and
/// prints the summary or the JSON result. Exit codes are <see cref="ExitCodes"/>.
/// </summary>
internal sealed class TuneRunner(TextWriter stdout, TextWriter stderr)
{
    /// <summary>The objective name a spec's own command objective is served under in embedded mode.</summary>
    public const string SpecCommandObjective = "spec-command";

    public const string DefaultTrackingUri = "sqlite:hyperqueue.db";

    public async Task<int> RunAsync(TuneSettings settings, CancellationToken cancellationToken)
    {
        PreparedExperiment experiment;
        try
        {
            experiment = Prepare(settings);
        }
        catch (Exception ex) when (ex is SpecException or ArgumentException or ObjectivesFileException)
        {
            // One line whatever the spec holds: a label or value with a newline is shown escaped.
            await stderr.WriteLineAsync($"hq tune: {InputText.OneLine(ex.Message)}");
            return ExitCodes.BadInput;
        }

        foreach (var warning in experiment.Space.Warnings)
        {
            await stderr.WriteLineAsync($"hq tune: warning: {warning}");
        }

        TrackingClient? tracking = null;
        QueueBackend? backend = null;
        try
        {
            try
            {
                if (experiment.Spec.TrackingEnabled)
                {
                    tracking = TrackingClient.Create(settings.Tracking ?? DefaultTrackingUri);
                    await tracking.InitializeAsync(cancellationToken);
                }

                backend = await StartBackendAsync(settings, experiment, cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or RedisConnectionException or FormatException
                or System.Data.Common.DbException or IOException or TimeoutException or MassTransit.ConfigurationException)
            {
                await stderr.WriteLineAsync($"hq tune: cannot start: {ex.Message}");
                return ExitCodes.BadInput;
            }

            return await OptimizeAsync(settings, experiment, backend, tracking, cancellationToken);
        }
        finally
        {
            if (backend is not null)
            {
                await backend.DisposeAsync();
            }

            if (tracking is not null)
            {
                await tracking.DisposeAsync();
            }
        }
    }

    private static PreparedExperiment Prepare(TuneSettings settings)
    {
        var spec = settings.Apply(ExperimentSpec.Load(settings.SpecPath));
        _ = settings.BrokerUri;
        SearchSpace space;
        try
        {
            space = SearchSpace.FromJson(spec.Space);
        }
        catch (ArgumentException ex)
        {
            // The space reader names paths from the space's own root ("$.x1..."); the spec puts that root at $.space.
            var message = ex.Message.StartsWith("$.", StringComparison.Ordinal) ? "$.space." + ex.Message[2..] : "$.space: " + ex.Message;
            throw new SpecException($"{settings.SpecPath}: {message}", ex);
        }

        if (!Algo.Names.Contains(spec.Algorithm.Name.Trim().ToLowerInvariant()))
        {
            throw new SpecException(
                $"{settings.SpecPath}: $.algo: algorithm '{spec.Algorithm.Name}' is unknown; valid names: {string.Join(", ", Algo.Names)}");
        }

        var algorithm = Algo.Parse(spec.Algorithm.Name);
        for (var i = 0; i < spec.PointsToEvaluate.Count; i++)
        {
            try
            {
                space.CompleteAssignment(spec.PointsToEvaluate[i]);
            }
            catch (ArgumentException ex)
            {
                throw new SpecException($"{settings.SpecPath}: $.pointsToEvaluate[{i}]: {ex.Message}", ex);
            }
        }

        CommandObjectiveDefinition? command = null;
        if (spec.Objective.Command is { } commandJson)
        {
            if (settings.Broker is not null)
            {
                throw new SpecException(
                    $"{spec.Objective.Path}: with --broker the objective must be the name of an objective the workers serve; " +
                    "configure the command on the workers (hq worker --objectives FILE) so that a message never carries a command");
            }

            try
            {
                command = WorkerObjectivesFile.ParseDefinition(commandJson, spec.Objective.Path);
            }
            catch (ObjectivesFileException ex)
            {
                // Named from the spec file like every other spec error.
                throw new SpecException($"{settings.SpecPath}: {ex.Message}", ex);
            }
        }
        else if (settings.Broker is null && !BuiltInObjectives.All.ContainsKey(spec.Objective.Name!))
        {
            throw new SpecException(
                $"{spec.Objective.Path}: '{spec.Objective.Name}' is not a built-in objective ({string.Join(", ", BuiltInObjectives.All.Keys)}); " +
                "give a command objective {\"command\": [...]}, or run workers that serve it and pass --broker and --redis");
        }

        if (settings.Broker is not null && string.IsNullOrWhiteSpace(settings.Redis))
        {
            throw new SpecException("--redis: is required with --broker (host:port of the Redis server the workers use)");
        }

        if (settings.Broker is null && !string.IsNullOrWhiteSpace(settings.Redis))
        {
            // Without a broker the run is embedded and keeps its slots in memory: a Redis given alone would be ignored.
            throw new SpecException($"--redis: '{settings.Redis}' only applies with --broker; without --broker the experiment runs embedded, in memory");
        }

        return new PreparedExperiment(spec, space, algorithm, command);
    }

    private static async Task<QueueBackend> StartBackendAsync(TuneSettings settings, PreparedExperiment experiment, CancellationToken cancellationToken)
    {
        if (settings.BrokerUri is { } broker)
        {
            return await QueueBackend.ConnectAsync(broker, settings.Redis!, cancellationToken: cancellationToken);
        }

        // Embedded: as many worker slots as the experiment may use, so parallelism means the same as distributed.
        var slots = Math.Min(experiment.Spec.Parallelism ?? Environment.ProcessorCount, ParallelismPolicy.Maximum);
        return await QueueBackend.StartEmbeddedAsync(
            worker =>
            {
                worker.AddBuiltInObjectives();
                if (experiment.Command is { } command)
                {
                    worker.AddCommandObjective(SpecCommandObjective, command);
                }
            },
            slots,
            cancellationToken: cancellationToken);
    }

    private async Task<int> OptimizeAsync(
        TuneSettings settings, PreparedExperiment experiment, QueueBackend backend, TrackingClient? tracking, CancellationToken cancellationToken)
    {
        var spec = experiment.Spec;
        var objective = experiment.Command is null ? spec.Objective.Name! : SpecCommandObjective;
        QueueTrials? resumed = null;
        if (settings.Resume)
        {
            if (tracking is null)
            {
                await stderr.WriteLineAsync("hq tune: --resume needs tracking: the experiment is rebuilt from the tracking store");
                return ExitCodes.BadInput;
            }

            resumed = await QueueTrials.ResumeAsync(backend, tracking, spec.Name, objective, spec.Parallelism, spec.TrialTimeout, cancellationToken: cancellationToken);
            if (resumed is null)
            {
                await stderr.WriteLineAsync($"hq tune: --resume: no earlier run of experiment '{spec.Name}' in the tracking store; starting it fresh");
            }
        }

        var trials = resumed ?? new QueueTrials(backend, objective, spec.Parallelism, spec.TrialTimeout);
        var observers = new List<IOptimizationObserver>();
        AutologObserver? autolog = null;
        if (tracking is not null)
        {
            autolog = new AutologObserver(tracking, spec.Name, trials.ResumedParentRunId);
            trials.RunIds = autolog.RunIdsOf;
            trials.TrackingUri = settings.Tracking ?? DefaultTrackingUri;
            observers.Add(autolog);
        }

        if (!settings.NoProgress && !settings.Json)
        {
            observers.Add(ProgressReporter.ForConsole(backend.Time));
        }

        var request = trials.CreateRequest(experiment.Space, experiment.Algorithm, observers) with
        {
            MaxEvals = spec.MaxEvals,
            MaxQueueLen = spec.MaxQueueLen,
            Timeout = spec.Timeout,
            LossThreshold = spec.LossThreshold,
            EarlyStop = spec.NoProgress is { } noProgress ? EarlyStop.NoProgressLoss(noProgress.Trials, noProgress.Percent) : null,
            Seed = spec.Seed,
            PointsToEvaluate = spec.PointsToEvaluate,
        };

        FMinResult? result = null;
        string? failure = null;
        try
        {
            result = await OptimizationLoop.RunAsync(request, cancellationToken);
        }
        catch (AllTrialsFailedException ex)
        {
            failure = ex.Message;
        }
        catch (InvalidOperationException ex) when (trials.Parallelism is null)
        {
            // Raised before any trial ran: no worker serves the objective.
            await stderr.WriteLineAsync($"hq tune: {ex.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"hq tune: interrupted; {trials.Counts.Total} trials are recorded (continue with --resume)");
            return ExitCodes.Interrupted;
        }
#pragma warning disable CA1031 // The experiment failed; the user gets its reason, not a stack trace. The store already holds every trial.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await stderr.WriteLineAsync($"hq tune: the experiment failed: {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.ExperimentFailed;
        }

        foreach (var warning in trials.ParallelismWarnings)
        {
            await stderr.WriteLineAsync($"hq tune: warning: {warning}");
        }

        var report = new TuneReport(spec.Name, trials, result, autolog);
        if (settings.Json)
        {
            await stdout.WriteLineAsync(report.ToJson());
        }
        else
        {
            await report.WriteSummaryAsync(stdout, settings.Tracking ?? (tracking is null ? null : DefaultTrackingUri));
        }

        if (failure is not null)
        {
            await stderr.WriteLineAsync($"hq tune: {failure}");
            // The reasons are in --json; in text mode say at least what made the trials fail.
            foreach (var reason in trials.All.Where(trial => trial.Error is not null)
                .GroupBy(trial => $"{trial.Error!.Type}: {trial.Error.Message}").OrderByDescending(group => group.Count()).Take(3))
            {
                await stderr.WriteLineAsync($"hq tune:   {reason.Count()} trial(s) failed with {reason.Key}");
            }

            return ExitCodes.ExperimentFailed;
        }

        return ExitCodes.Success;
    }

    private sealed record PreparedExperiment(ExperimentSpec Spec, SearchSpace Space, ISearchAlgorithm Algorithm, CommandObjectiveDefinition? Command);
}
