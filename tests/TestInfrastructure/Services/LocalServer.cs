namespace HyperQueue.TestInfrastructure.Services;

/// <summary>
/// A server process the fixture started from the installed binaries, in its own temporary folder.
/// Reliability tests stop and start it again (same port, same data) to simulate an outage.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task> _start;
    private readonly Func<CancellationToken, Task> _stop;
    private bool _running;

    internal LocalServer(string directory, int port, Func<CancellationToken, Task> start, Func<CancellationToken, Task> stop)
    {
        Directory = directory;
        Port = port;
        _start = start;
        _stop = stop;
    }

    public string Directory { get; }

    public int Port { get; }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _start(cancellationToken);
        _running = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _running = false;
        await _stop(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_running)
        {
            try
            {
                await StopAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                // The server is going away with the test run; a failed stop must not hide test results.
            }
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
