using System.Globalization;
using System.Text;

namespace HyperQueue.Scheduler.Optimization;

/// <summary>
/// Hyperopt's progress bar (trials done / max, elapsed, ETA, best loss) redrawn in place on an interactive
/// stderr, and the closing summary line <c>Total trials: T: S succeeded, F failed, C cancelled</c>.
/// </summary>
internal sealed class ProgressReporter(TextWriter writer, bool drawBar, TimeProvider timeProvider) : IOptimizationObserver
{
    private const int BarWidth = 24;
    private DateTimeOffset _startedAt;
    private int? _maxEvals;
    private TimeSpan? _timeout;
    private int _doneAtStart;
    private int _lastLineLength;

    /// <summary>The reporter fmin uses: stderr, with the bar only when stderr is a terminal.</summary>
    public static ProgressReporter ForConsole(TimeProvider timeProvider) =>
        new(Console.Error, drawBar: !Console.IsErrorRedirected, timeProvider);

    public Task ExperimentStartedAsync(OptimizationStarted started, CancellationToken cancellationToken)
    {
        _startedAt = started.StartedAt;
        _maxEvals = started.MaxEvals;
        _timeout = started.Timeout;
        _doneAtStart = started.Trials.Completed.Count;
        Draw(started.Trials);
        return Task.CompletedTask;
    }

    public Task TrialDispatchingAsync(TrialRecord trial, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task TrialCompletedAsync(TrialRecord trial, Trials trials, CancellationToken cancellationToken)
    {
        Draw(trials);
        return Task.CompletedTask;
    }

    public Task ExperimentEndedAsync(OptimizationEnded ended, CancellationToken cancellationToken)
    {
        Draw(ended.Trials);
        if (drawBar)
        {
            writer.WriteLine();
        }

        writer.WriteLine(ended.Trials.Counts.ToString());
        writer.Flush();
        return Task.CompletedTask;
    }

    internal string FormatLine(Trials trials)
    {
        var done = trials.Completed.Count;
        var elapsed = timeProvider.GetUtcNow() - _startedAt;
        var line = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        if (_maxEvals is { } maxEvals)
        {
            var fraction = maxEvals == 0 ? 1.0 : Math.Clamp((double)done / maxEvals, 0, 1);
            var filled = (int)Math.Round(fraction * BarWidth);
            line.Append(invariant, $"{done}/{maxEvals} [{new string('#', filled)}{new string('.', BarWidth - filled)}] {fraction * 100:0}%");
        }
        else
        {
            line.Append(invariant, $"{done} trials");
        }

        line.Append(invariant, $" | {FormatDuration(elapsed)} elapsed");
        if (Eta(done, elapsed) is { } eta)
        {
            line.Append(invariant, $" | ETA {FormatDuration(eta)}");
        }

        var best = trials.FindBestTrial();
        line.Append(best is null ? " | best loss: -" : string.Create(invariant, $" | best loss: {best.Loss:G6}"));
        return line.ToString();
    }

    private TimeSpan? Eta(int done, TimeSpan elapsed)
    {
        var doneNow = done - _doneAtStart;
        TimeSpan? byEvals = _maxEvals is { } maxEvals && doneNow > 0
            ? elapsed / doneNow * Math.Max(0, maxEvals - done)
            : null;
        TimeSpan? byTimeout = _timeout is { } timeout ? (timeout - elapsed) switch { var left when left > TimeSpan.Zero => left, _ => TimeSpan.Zero } : null;
        return (byEvals, byTimeout) switch
        {
            ({ } evals, { } time) => evals < time ? evals : time,
            ({ } evals, null) => evals,
            (null, { } time) => time,
            _ => null,
        };
    }

    private static string FormatDuration(TimeSpan duration) =>
        duration.TotalHours >= 1
            ? duration.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : duration.ToString(@"mm\:ss", CultureInfo.InvariantCulture);

    private void Draw(Trials trials)
    {
        if (!drawBar)
        {
            return;
        }

        var line = FormatLine(trials);
        var padding = Math.Max(0, _lastLineLength - line.Length);
        writer.Write('\r');
        writer.Write(line);
        writer.Write(new string(' ', padding));
        writer.Flush();
        _lastLineLength = line.Length;
    }
}
