using System.Collections.Concurrent;
using System.Diagnostics;

namespace HyperQueue.Integration.Tests.Distributed;

/// <summary>
/// An <c>hq worker</c> in its own process (the Scheduler assembly the tests reference, run by <c>dotnet</c>), so a
/// test can kill it with SIGKILL the way a crashed or evicted machine dies: no shutdown code runs.
/// </summary>
internal sealed class HqWorkerProcess : IDisposable
{
    private const int KeptLines = 40;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HqWorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the worker wrote, for a failure message.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    public static HqWorkerProcess Start(Uri broker, string redis, string objectivesFile, int slots)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "HyperQueue.Scheduler.dll"), "worker",
            "--broker", broker.ToString(), "--redis", redis, "--objectives", objectivesFile, "--slots", slots.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        return new HqWorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet for hq worker"));
    }

    /// <summary>SIGKILL: the process ends at once, its unacknowledged deliveries go back to the broker.</summary>
    public async Task KillAsync(CancellationToken cancellationToken)
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync(cancellationToken);
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

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }
}
