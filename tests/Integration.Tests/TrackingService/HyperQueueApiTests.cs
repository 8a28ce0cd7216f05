using System.Net;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary>HyperQueue's own endpoints (<c>/api/hq/</c>) and the dashboard's HTML over a seeded experiment.</summary>
public sealed class HyperQueueApiTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Progress_RunningExperiment_ReportsDonePlannedAndBestLoss()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var seeded = await ExperimentSeeder.SeedAsync(server.Client, "progress", 12, finishParent: false, Token);

        var (status, body) = await server.GetAsync($"/api/hq/experiments/{seeded.ExperimentId}/progress", Token);

        Assert.Equal(200, status);
        Assert.Equal("RUNNING", body.GetProperty("status").GetString());
        Assert.Equal(12, body.GetProperty("trials_done").GetInt32());
        Assert.Equal(40, body.GetProperty("trials_planned").GetInt32());
        Assert.Equal(seeded.BestLoss, body.GetProperty("best_loss").GetDouble());
        Assert.Equal(seeded.BestRunId, body.GetProperty("best_run_id").GetString());
    }

    [Fact]
    public async Task Progress_SecondFminCallInTheSameRun_PlansTheLargerSuffixedMaxEvals()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var seeded = await ExperimentSeeder.SeedAsync(server.Client, "resumed", 4, finishParent: true, Token);

        // fmin logs a conflicting parent param under a UUID-suffixed name (issue 6's rule).
        await server.Client.LogParamAsync(seeded.ParentRunId, "max_evals_0f8fad5bd9cb469fa16570867728950e", "60", Token);
        var (_, body) = await server.GetAsync($"/api/hq/experiments/{seeded.ExperimentId}/progress", Token);

        Assert.Equal(60, body.GetProperty("trials_planned").GetInt32());
        Assert.Equal("FINISHED", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Trials_ParentRun_ReturnsRecordsWithRawVals()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var seeded = await ExperimentSeeder.SeedAsync(server.Client, "trials", 6, finishParent: true, Token);

        var (status, body) = await server.GetAsync($"/api/hq/runs/{seeded.ParentRunId}/trials", Token);

        Assert.Equal(200, status);
        var trials = body.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4, 5], trials.Select(trial => trial.GetProperty("number").GetInt32()));
        var first = seeded.Trials[0];
        Assert.Equal(first.RawValues["num_leaves"], trials[0].GetProperty("vals").GetProperty("num_leaves")[0].GetDouble());
        Assert.Equal(first.RunId, trials[0].GetProperty("run_id").GetString());
        Assert.Equal("fail", trials[5].GetProperty("status").GetString());
        Assert.Equal("diverged", trials[5].GetProperty("error_message").GetString());
    }

    [Fact]
    public async Task Progress_UnknownExperiment_Returns404()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);

        var (status, body) = await server.GetAsync("/api/hq/experiments/nope/progress", Token);

        Assert.Equal(404, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body.GetProperty("error_code").GetString());
    }

    [Fact]
    public async Task ExperimentPage_WhileRunning_RefreshesItselfAndStopsWhenFinished()
    {
        await using var server = await TestTrackingServer.StartAsync(Token, options => options.RefreshSeconds = 7);
        var seeded = await ExperimentSeeder.SeedAsync(server.Client, "refresh", 3, finishParent: false, Token);

        var running = await server.Http.GetStringAsync(new Uri($"/experiments/{seeded.ExperimentId}", UriKind.Relative), Token);
        await server.Client.EndRunAsync(seeded.ParentRunId, cancellationToken: Token);
        var finished = await server.Http.GetStringAsync(new Uri($"/experiments/{seeded.ExperimentId}", UriKind.Relative), Token);

        Assert.Contains("<meta http-equiv=\"refresh\" content=\"7\">", running, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", finished, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExperimentPage_NameWithMarkup_IsEncoded()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var experiment = await server.Client.CreateExperimentAsync("<script>alert(1)</script>", Token);

        var list = await server.Http.GetStringAsync(new Uri("/", UriKind.Relative), Token);
        using var page = await server.Http.GetAsync(new Uri($"/experiments/{experiment.ExperimentId}", UriKind.Relative), Token);
        var html = await page.Content.ReadAsStringAsync(Token);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("<script>alert(1)", list, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert(1)", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }
}
