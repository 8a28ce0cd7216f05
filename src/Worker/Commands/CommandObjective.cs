using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Commands;

/// <summary>
/// Runs a configured program as the objective: argv straight to the OS (never a shell, so parameter values are
/// never interpolated), parameters as JSON on stdin, metric lines logged to the trial's run, the last stdout line
/// as the result. On cancellation or timeout the whole process tree is killed.
/// </summary>
internal sealed class CommandObjective(
    string name,
    CommandObjectiveDefinition definition,
    TimeProvider timeProvider,
    ILogger<CommandObjective> logger) : IObjective
{
    private const int StderrTailLines = 20;
    private const int StderrTailChars = 4096;

    /// <summary>
    /// The longest stdout line read whole (a result with its attachments, or a metric): a program that prints without
    /// newlines must not exhaust the worker's memory.
    /// </summary>
    internal const int MaxStdoutLineLength = 8 * 1024 * 1024;
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>It only starts a process (milliseconds) and then waits for it.</summary>
    public bool StartsQuickly => true;

    public async Task<ObjectiveResult> EvaluateAsync(ObjectiveContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var process = new Process { StartInfo = CreateStartInfo(context) };
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            return ObjectiveResult.Fail(
                $"command objective '{name}': could not start '{definition.Command[0]}' (working directory '{process.StartInfo.WorkingDirectory}'): {exception.Message}",
                "command_start");
        }

        Log.CommandStarted(logger, name, process.Id, context.TrialId);
        using var timeout = definition.Timeout is { } limit
            ? new CancellationTokenSource(limit, timeProvider)
            : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        var stderr = new OutputTail(StderrTailLines, StderrTailChars);
        var stdoutTask = ReadStdoutAsync(process.StandardOutput, context, linked.Token);
        var stderrTask = ReadStderrAsync(process.StandardError, stderr);
        var stdinTask = WriteParametersAsync(process.StandardInput, context);

        OutputLine? resultLine;
        try
        {
            await Task.WhenAll(process.WaitForExitAsync(linked.Token), stdinTask, stderrTask).WaitAsync(linked.Token);
            resultLine = await stdoutTask.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            KillProcessTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            return ObjectiveResult.Fail(
                $"command objective '{name}' timed out after {definition.Timeout!.Value.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; its process tree was killed",
                "timeout");
        }

        if (process.ExitCode != 0)
        {
            return ObjectiveResult.Fail(
                $"command objective '{name}' exited with code {process.ExitCode}; stderr tail:\n{stderr}",
                "command_exit");
        }

        if (resultLine is { IsCut: true })
        {
            return ObjectiveResult.Fail(
                $"command objective '{name}': its result line (the last non-blank line of stdout) is longer than {MaxStdoutLineLength.ToString("N0", CultureInfo.InvariantCulture)} characters",
                "invalid_result");
        }

        return CommandOutputParser.ParseResult(resultLine?.Text, name);
    }

    private ProcessStartInfo CreateStartInfo(ObjectiveContext context)
    {
        var startInfo = new ProcessStartInfo(definition.Command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8NoBom,
            StandardOutputEncoding = Utf8NoBom,
            StandardErrorEncoding = Utf8NoBom,
            WorkingDirectory = definition.WorkingDirectory ?? Environment.CurrentDirectory,
        };
        for (var i = 1; i < definition.Command.Count; i++)
        {
            startInfo.ArgumentList.Add(definition.Command[i]);
        }

        if (definition.Environment is { } environment)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        // Set last so a configured environment cannot misreport which trial is running.
        startInfo.Environment["HQ_EXPERIMENT_ID"] = context.ExperimentId.ToString();
        startInfo.Environment["HQ_TRIAL_ID"] = context.TrialId.ToString();
        startInfo.Environment["HQ_TRIAL_NUMBER"] = context.TrialNumber.ToString(CultureInfo.InvariantCulture);
        SetOrRemove(startInfo, "HQ_RUN_ID", context.RunId ?? context.Run?.RunId);
        SetOrRemove(startInfo, "HQ_TRACKING_URI", context.TrackingUri);
        return startInfo;
    }

    private static void SetOrRemove(ProcessStartInfo startInfo, string key, string? value)
    {
        if (value is null)
        {
            // The worker's own environment may carry a stale value from whoever started it.
            startInfo.Environment.Remove(key);
        }
        else
        {
            startInfo.Environment[key] = value;
        }
    }

    private async Task WriteParametersAsync(StreamWriter stdin, ObjectiveContext context)
    {
        try
        {
            await stdin.WriteAsync(context.Parameters.Json.GetRawText());
            await stdin.WriteAsync('\n');
            await stdin.FlushAsync();
        }
        catch (IOException exception)
        {
            // A program that never reads its parameters may exit before they are written: that is its choice.
            Log.StdinClosedEarly(logger, name, exception.Message);
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // The pipe is already broken; the program has its answer (end of input) either way.
            }
        }
    }

    private async Task<OutputLine?> ReadStdoutAsync(StreamReader stdout, ObjectiveContext context, CancellationToken cancellationToken)
    {
        OutputLine? last = null;
        var lines = new BoundedLineReader(stdout, MaxStdoutLineLength);
        while (await lines.ReadLineAsync(cancellationToken) is { } output)
        {
            var line = output.Text;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (output.IsCut || !CommandOutputParser.TryParseMetric(line, out var metric, out var error))
            {
                last = output;
                continue;
            }

            if (error is not null)
            {
                Log.MalformedMetric(logger, name, context.TrialId, error);
            }
            else if (context.Run is { } run)
            {
                try
                {
                    await run.LogMetricAsync(metric!.Key, metric.Value, metric.Step, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Tracking trouble must not fail an otherwise good trial; the result still reaches the scheduler.
                    Log.MetricNotLogged(logger, exception, name, context.TrialId, metric!.Key);
                }
            }
        }

        return last;
    }

    private static async Task ReadStderrAsync(StreamReader stderr, OutputTail tail)
    {
        // Only the tail is kept, and of a longer line only as much as the tail shows.
        var lines = new BoundedLineReader(stderr, StderrTailChars);
        while (await lines.ReadLineAsync() is { } line)
        {
            tail.Add(line.IsCut ? line.Text + "..." : line.Text);
        }
    }

    private void KillProcessTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            Log.CommandKilled(logger, name, process.Id);
        }
        catch (InvalidOperationException)
        {
            // Already exited between the cancellation and the kill.
        }
        catch (Win32Exception exception)
        {
            Log.KillFailed(logger, name, process.Id, exception.Message);
        }
    }
}
