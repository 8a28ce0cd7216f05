using System.Net;
using System.Net.Http.Headers;
using HyperQueue.Tracking.Service;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary>Loopback by default; any other address needs a bearer token on every request; downloads stay in the artifact root.</summary>
public sealed class TrackingServerSecurityTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://0.0.0.0:0")]
    public async Task StartAsync_NonLoopbackWithoutToken_RefusesToStart(string urls)
    {
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => TrackingServer.StartAsync(
            new TrackingServerOptions { TrackingUri = "sqlite::memory:", Urls = urls }, cancellationToken: Token));

        Assert.Contains("token", exception.Message, StringComparison.Ordinal);
        Assert.Contains(urls, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/2.0/mlflow/experiments/search")]
    [InlineData("/")]
    [InlineData("/api/hq/runs/abc/trials")]
    public async Task Request_AnyAddressWithoutOrWithWrongToken_Returns401(string path)
    {
        await using var server = await TestTrackingServer.StartAsync(Token, options => (options.Urls, options.Token) = ("http://0.0.0.0:0", "s3cret-token"));
        using var anonymous = new HttpClient { BaseAddress = server.Http.BaseAddress };
        using var wrong = new HttpClient { BaseAddress = server.Http.BaseAddress };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret-tokeN");

        using var withoutToken = await anonymous.GetAsync(new Uri(path, UriKind.Relative), Token);
        using var withWrongToken = await wrong.GetAsync(new Uri(path, UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withWrongToken.StatusCode);
        Assert.Equal("Bearer", withoutToken.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Request_AnyAddressWithToken_Returns200()
    {
        await using var server = await TestTrackingServer.StartAsync(Token, options => (options.Urls, options.Token) = ("http://0.0.0.0:0", "s3cret-token"));

        var (status, body) = await server.GetAsync("/api/2.0/mlflow/experiments/search", Token);
        using var page = await server.Http.GetAsync(new Uri("/", UriKind.Relative), Token);

        Assert.Equal(200, status);
        Assert.Equal(0, body.GetProperty("experiments").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("0.0.0.0", server.Server.Address.Host);
    }

    [Fact]
    public async Task Browser_PageOpenedWithTokenInQuery_GetsCookieAndLaterPagesPass()
    {
        await using var server = await TestTrackingServer.StartAsync(Token, options => (options.Urls, options.Token) = ("http://0.0.0.0:0", "s3cret-token"));
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false };
        using var browser = new HttpClient(handler) { BaseAddress = server.Http.BaseAddress };

        using var wrong = await browser.GetAsync(new Uri("/?token=guess", UriKind.Relative), Token);
        using var login = await browser.GetAsync(new Uri("/?token=s3cret-token&x=1", UriKind.Relative), Token);
        using var page = await browser.GetAsync(new Uri("/", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/?x=1", login.Headers.Location!.OriginalString);
        Assert.Contains("httponly", string.Join(';', login.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Request_LoopbackWithoutTokenConfigured_Returns200()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (status, _) = await server.GetAsync("/api/2.0/mlflow/experiments/search", Token);

        Assert.Equal(200, status);
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(server.Server.Address.Host)));
    }

    [Fact]
    public async Task ArtifactDownload_LoggedFile_ReturnsItsBytes()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var runId = await CreateRunWithArtifactAsync(server);

        using var response = await server.Http.GetAsync(new Uri($"/runs/{runId}/artifacts/plots/notes.txt", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("inside the run", await response.Content.ReadAsStringAsync(Token));
    }

    [Theory]
    [InlineData("..%2F..%2F..%2Fsecret.txt")]
    [InlineData("plots%2F..%2F..%2F..%2F..%2Fsecret.txt")]
    [InlineData("%2Fetc%2Fpasswd")]
    [InlineData("..%5C..%5Csecret.txt")]
    [InlineData("missing.txt")]
    public async Task ArtifactDownload_NameOutsideTheRun_IsRefused(string encodedName)
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var runId = await CreateRunWithArtifactAsync(server);
        await File.WriteAllTextAsync(Path.Combine(server.Folder, "secret.txt"), "top secret", Token);

        using var response = await server.Http.GetAsync(new Uri($"/runs/{runId}/artifacts/{encodedName}", UriKind.Relative), Token);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.BadRequest, HttpStatusCode.NotFound });
        Assert.DoesNotContain("top secret", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArtifactDownload_SymbolicLinkLeavingTheRun_IsRefused()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var runId = await CreateRunWithArtifactAsync(server);
        var secret = Path.Combine(server.Folder, "secret.txt");
        await File.WriteAllTextAsync(secret, "top secret", Token);
        var run = await server.Client.GetRunAsync(runId, Token);
        File.CreateSymbolicLink(Path.Combine(run!.Info.ArtifactUri, "link.txt"), secret);

        using var response = await server.Http.GetAsync(new Uri($"/runs/{runId}/artifacts/link.txt", UriKind.Relative), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("top secret", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    private static async Task<string> CreateRunWithArtifactAsync(TestTrackingServer server)
    {
        var experiment = await server.Client.CreateExperimentAsync("artifacts", Token);
        var run = await server.Client.CreateRunAsync(experiment.ExperimentId, cancellationToken: Token);
        var local = Path.Combine(server.Folder, "notes.txt");
        await File.WriteAllTextAsync(local, "inside the run", Token);
        await server.Client.LogArtifactAsync(run.RunId, local, "plots/notes.txt", Token);
        return run.RunId;
    }
}
