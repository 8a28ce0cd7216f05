using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using HyperQueue.Worker.Registry;

namespace HyperQueue.Bench;

/// <summary>
/// An <c>hq worker</c> in its own process (the Scheduler assembly this project references, run by <c>dotnet</c>), as
/// a deployment runs it; its memory is read from the operating system because it is another process.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int KeptLines = 20;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) => Keep(line.Data);
        _process.ErrorDataReceived += (_, line) => Keep(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The worker's resident memory now, in bytes.</summary>
    public long WorkingSet
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>The processor time the worker has used so far (user and system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Whether the registration is this process's: the default worker id is host, process id and a suffix.</summary>
    public bool Registered(WorkerRegistration registration) =>
        registration.WorkerId.Contains(string.Create(CultureInfo.InvariantCulture, $"-{_process.Id}-"), StringComparison.Ordinal);

    /// <summary>The last lines the worker wrote, for an error message.</summary>
    public string OutputTail => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <c>hq worker</c> serving the built-in objectives. Its log level is Warning: at a thousand trials a
    /// second the two Information lines per trial would measure the console, not the dispatch.
    /// </summary>
    public static WorkerProcess Start(Uri broker, string redis, int slots)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "HyperQueue.Scheduler.dll"), "worker",
            "--broker", broker.ToString(), "--redis", redis, "--slots", slots.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet for hq worker"));
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
