using System.Globalization;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Autolog;
using HyperQueue.Scheduler.Hosting;
using HyperQueue.Scheduler.Optimization;
using HyperQueue.Scheduler.Spaces;
using HyperQueue.Tracking.Client;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Scheduler.Dispatch;

/// <summary>
/// Like Databricks' <c>SparkTrials</c>: a <see cref="Trials"/> store whose trials run on workers. Each proposed
/// setting becomes one <c>EvaluateTrial</c> message on the objective's queue; at most <see cref="Parallelism"/>
/// are in flight (Redis slots), a trial whose worker died is sent again, and a timeout or early stop cancels the
/// running trials on every worker. Pass it to <see cref="FMin"/> as <c>trials</c>.
/// </summary>
public sealed partial class QueueTrials : Trials
{
    private readonly QueueBackend _backend;
    private readonly int? _requestedParallelism;
    private readonly QueueTrialsOptions _options;
    private readonly ILogger _logger;
    private DispatchSettings? _settings;

    /// <param name="backend">The bus, in-flight store and worker registry (embedded or RabbitMQ + Redis).</param>
    /// <param name="objective">The objective workers serve under this name (the queue <c>hq.evaluate.&lt;objective&gt;</c>).</param>
    /// <param name="parallelism">SparkTrials' <c>parallelism</c>: at most this many trials at once; the live worker slots when null; at most 128.</param>
    /// <param name="trialTimeout">SparkTrials' per-trial <c>timeout</c>: a trial running longer is cancelled.</param>
    /// <param name="options">Leases, retries and waits; the defaults when null.</param>
    public QueueTrials(QueueBackend backend, string objective, int? parallelism = null, TimeSpan? trialTimeout = null, QueueTrialsOptions? options = null)
        : this(backend, objective, parallelism, trialTimeout, options, Guid.NewGuid(), seed: null)
    {
    }

    /// <summary>
    /// Reattaches to an experiment recorded in <paramref name="tracking"/>, as <c>hq tune --resume</c> does (hyperopt
    /// resumes by passing the same <c>trials</c> to fmin again; here the store is rebuilt after the scheduler's
    /// process ended): same trials id, so the same Redis keys and results queue, same seed, every recorded trial
    /// restored. The next <see cref="FMin"/> call with the same <paramref name="tracking"/> logs into the same
    /// parent run and takes over the trials that were still running: their results that waited in the results queue,
    /// the ones workers still run, and the ones to send again. Null when the experiment has no earlier fmin run.
    /// </summary>
    /// <param name="backend">The bus, in-flight store and worker registry the experiment ran on.</param>
    /// <param name="tracking">The tracking store the experiment was recorded in.</param>
    /// <param name="experimentName">The tracking experiment (name or id); its latest fmin parent run is resumed.</param>
    /// <param name="objective">The objective workers serve under this name.</param>
    /// <param name="parallelism">SparkTrials' <c>parallelism</c>, as in the constructor.</param>
    /// <param name="trialTimeout">SparkTrials' per-trial <c>timeout</c>, as in the constructor.</param>
    /// <param name="options">Leases, retries and waits; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels reading the tracking store.</param>
    public static async Task<QueueTrials?> ResumeAsync(
        QueueBackend backend,
        TrackingClient tracking,
        string experimentName,
        string objective,
        int? parallelism = null,
        TimeSpan? trialTimeout = null,
        QueueTrialsOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tracking);
        ArgumentException.ThrowIfNullOrWhiteSpace(experimentName);
        var resume = await ExperimentResume.FindAsync(tracking, experimentName, cancellationToken);
        if (resume is null)
        {
            return null;
        }

        var trials = Resume(backend, objective, parallelism, trialTimeout, resume.TrialsId, resume.Seed, resume.Trials, options);
        trials.ResumedParentRunId = resume.ParentRunId;
        return trials;
    }

    /// <summary>
    /// Continues an experiment: same trials id (Redis keys, results queue) and seed, earlier records restored. The
    /// next fmin takes over the trials still running in <paramref name="records"/> instead of cancelling them.
    /// </summary>
    internal static QueueTrials Resume(
        QueueBackend backend,
        string objective,
        int? parallelism,
        TimeSpan? trialTimeout,
        Guid trialsId,
        long? seed,
        IEnumerable<TrialRecord> records,
        QueueTrialsOptions? options = null)
    {
        var trials = new QueueTrials(backend, objective, parallelism, trialTimeout, options, trialsId, seed);
        trials.Restore(records);
        return trials;
    }

    internal QueueTrials(
        QueueBackend backend,
        string objective,
        int? parallelism,
        TimeSpan? trialTimeout,
        QueueTrialsOptions? options,
        Guid experimentId,
        long? seed)
        : base(experimentId, seed)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentException.ThrowIfNullOrWhiteSpace(objective);
        if (parallelism is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, $"parallelism ({parallelism}) must be at least 1");
        }

        if (trialTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(trialTimeout), trialTimeout, $"trial timeout ({trialTimeout}) must be positive");
        }

        _options = options ?? new QueueTrialsOptions();
        _options.Validate();
        _backend = backend;
        Objective = objective;
        _requestedParallelism = parallelism;
        TrialTimeout = trialTimeout;
        _logger = backend.LoggerFactory.CreateLogger<QueueTrials>();
    }

    public string Objective { get; }

    /// <summary>The backend's clock: fmin's timeout and trial times use the same one as the leases.</summary>
    internal TimeProvider Time => _backend.Time;

    public TimeSpan? TrialTimeout { get; }

    /// <summary>The parallelism the last fmin call ran with, after the clamps (null before the first call).</summary>
    public int? Parallelism => _settings?.Parallelism;

    /// <summary>Why the requested parallelism was reduced, one sentence per reduction.</summary>
    public IReadOnlyList<string> ParallelismWarnings { get; private set; } = [];

    /// <summary>The parent run of the experiment <see cref="ResumeAsync"/> reattached to, which fmin logs into again.</summary>
    internal string? ResumedParentRunId { get; private set; }

    /// <summary>Where child runs live, for objectives that log into them; set by the tracking integration.</summary>
    internal string? TrackingUri { get; set; }

    /// <summary>Child and parent run of each trial, filled by the tracking observer before the trial is sent.</summary>
    internal Func<Guid, TrialRunIds?> RunIds { get; set; } = _ => null;

    /// <summary>
    /// Waits (bounded by <see cref="QueueTrialsOptions.WorkerWait"/>) until a live worker serves the objective, then
    /// fixes the parallelism for this fmin call from the requested value, the live slots and the evaluations left.
    /// </summary>
    internal override async Task PrepareAsync(int evaluationsRemaining, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var liveSlots = await WaitForWorkersAsync(cancellationToken);
        var decision = ParallelismPolicy.Resolve(_requestedParallelism, liveSlots, evaluationsRemaining);
        foreach (var warning in decision.Warnings)
        {
            Log.ParallelismReduced(_logger, warning);
        }

        ParallelismWarnings = decision.Warnings;
        _settings = new DispatchSettings(
            ExperimentId, Objective, decision.Effective, deadline, _options.QueueTimeout, _options.MaxAttempts,
            _options.ReapInterval, _options.ResultsQueueExpiry, _options.ResumeGrace);
    }

    private async Task<int> WaitForWorkersAsync(CancellationToken cancellationToken)
    {
        var time = _backend.Time;
        var giveUpAt = time.GetUtcNow() + _options.WorkerWait;
        while (true)
        {
            var workers = await _backend.Registry.GetLiveWorkersAsync(cancellationToken);
            var slots = workers.Where(worker => worker.Objectives.Contains(Objective, StringComparer.Ordinal)).Sum(worker => worker.Slots);
            if (slots > 0)
            {
                return slots;
            }

            if (time.GetUtcNow() >= giveUpAt)
            {
                var served = workers.Count == 0
                    ? "no worker is live"
                    : "live workers serve: " + string.Join("; ", workers.Select(worker =>
                        string.Create(CultureInfo.InvariantCulture, $"{worker.WorkerId} ({worker.Slots} slots): {string.Join(", ", worker.Objectives)}")));
                throw new InvalidOperationException(
                    $"no live worker serves the objective '{Objective}' after waiting {_options.WorkerWait.TotalSeconds:0} s; {served}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
        }
    }

    /// <summary>
    /// The fmin request over this store: objectives run on workers, so the loop's in-process objective is never
    /// called, and the clock is the backend's (the one the leases use). Callers add the budget with <c>with</c>.
    /// </summary>
    internal OptimizationRequest CreateRequest(SearchSpace space, ISearchAlgorithm algorithm, IReadOnlyList<IOptimizationObserver> observers) => new()
    {
        Objective = (_, _) => throw new InvalidOperationException("QueueTrials runs the objective on workers"),
        Space = space,
        Algorithm = algorithm,
        Trials = this,
        TimeProvider = Time,
        Observers = observers,
    };

    internal override ITrialRunner CreateRunner(TrialRunnerContext context)
    {
        var settings = _settings ?? throw new InvalidOperationException("QueueTrials must be prepared before fmin runs (FMin does it)");
        var dispatcher = new TrialDispatcher(
            _backend.Bus, _backend.EndpointConnector, _backend.Store, settings, _backend.Time, _backend.LoggerFactory.CreateLogger<TrialDispatcher>());
        return new QueueTrialRunner(
            dispatcher, _backend.Store, settings, TrialTimeout, RunIds, TrackingUri, _backend.Time, _backend.LoggerFactory.CreateLogger<QueueTrialRunner>());
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
        public static partial void ParallelismReduced(ILogger logger, string warning);
    }
}
