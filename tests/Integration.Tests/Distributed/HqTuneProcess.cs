using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// An <c>hq tune</c> in its own process (the Scheduler assembly the tests reference, run by <c>dotnet</c>), so a test
/// can kill the scheduler with SIGKILL mid-experiment, the way a crashed machine stops it: no shutdown code runs.
/// </summary>
internal sealed class HqTuneProcess : IDisposable
{
    private const int KeptErrorLines = 40;
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly Lock _stdoutGate = new();
    private readonly ConcurrentQueue<string> _stderr = new();

    private HqTuneProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => KeepOutput(line.Data);
        _process.ErrorDataReceived += (_, line) => KeepError(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything written on stdout so far (the <c>--json</c> document once the process exited).</summary>
    public string Stdout
    {
        get
        {
            lock (_stdoutGate)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>The last lines written on stderr, for a failure message.</summary>
    public string StderrTail => string.Join(Environment.NewLine, _stderr);

    public bool HasExited => _process.HasExited;

    /// <summary>Runs <c>hq tune</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>.</summary>
    public static HqTuneProcess Start(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "HyperQueue.Scheduler.dll"));
        start.ArgumentList.Add("tune");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return new HqTuneProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet for hq tune"));
    }

    /// <summary>SIGKILL: the scheduler ends at once, with trials in flight and nothing recorded about them.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>SIGTERM, what a container runtime or a service manager sends to stop a process.</summary>
    public async Task TerminateAsync(CancellationToken cancellationToken)
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync(cancellationToken);
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        // The asynchronous readers may still hold the last lines; this overload waits for them to be delivered.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private void KeepOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stdoutGate)
        {
            _stdout.AppendLine(line);
        }
    }

    private void KeepError(string? line)
    {
        if (line is null)
        {
            return;
        }

        _stderr.Enqueue(line);
        while (_stderr.Count > KeptErrorLines && _stderr.TryDequeue(out _))
        {
        }
    }
}
