using System.Text;
using HyperQueue.Scheduler.Cli;
using HyperQueue.Tracking.Service;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary><c>hq ui</c>: serves until cancelled (Ctrl+C), refuses a non-loopback address without a token.</summary>
public sealed class UiCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hq-ui-cli-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task RunAsync_Started_PrintsAddressServesAndStopsOnCancel()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        string? servedPage = null;

        // Once the address is printed, fetch the dashboard through it, then stop the command as Ctrl+C would.
        using var stdout = new LineWriter(async line =>
        {
            var address = line[line.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0];
            using var http = new HttpClient();
            servedPage = await http.GetStringAsync(new Uri(address), stop.Token);
            await stop.CancelAsync();
        });
        using var stderr = new StringWriter();

        var code = await UiCommand.RunAsync(Options("http://127.0.0.1:0"), stdout, stderr, stop.Token);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(string.Empty, stderr.ToString());
        Assert.Contains("hq ui: dashboard and MLflow API on http://127.0.0.1:", stdout.Text, StringComparison.Ordinal);
        Assert.Contains("<h1>Experiments</h1>", servedPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AnyAddressWithoutToken_ExitsWithBadInputNamingTheToken()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = await UiCommand.RunAsync(Options("http://0.0.0.0:0"), stdout, stderr, TestContext.Current.CancellationToken);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("'http://0.0.0.0:0' is not a loopback address", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains(TrackingServerOptions.TokenEnvironmentVariable, stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout.ToString());
    }

    private TrackingServerOptions Options(string urls) => new()
    {
        TrackingUri = $"sqlite:{Path.Combine(folder, "tracking.db")}",
        ArtifactRoot = Path.Combine(folder, "artifacts"),
        Urls = urls,
    };

    /// <summary>Collects what is written and calls back once per complete line.</summary>
    private sealed class LineWriter(Func<string, Task> onLine) : TextWriter
    {
        private readonly StringBuilder text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text => text.ToString();

        public override void Write(char value) => text.Append(value);

        public override Task WriteLineAsync(string? value)
        {
            text.Append(value).Append('\n');
            return onLine(value ?? string.Empty);
        }
    }
}
