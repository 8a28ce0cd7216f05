using System.Drawing;
using System.Globalization;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace HyperQueue.Integration.Tests.TrackingService;

/// <summary>
/// The dashboard in real headless Chromium (Debian's /usr/bin/chromium through /usr/bin/chromedriver; Selenium
/// Manager never downloads anything): an experiment of 30 trials, its table, its charts, a link to a trial's run.
/// Screenshots go to <c>TestResults/screenshots/</c> beside the test assembly.
/// </summary>
public sealed class DashboardBrowserTests
{
    private const int TrialCount = 30;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Dashboard_ExperimentOf30Trials_RendersTableChartsAndRunPage()
    {
        await using var server = await TestTrackingServer.StartAsync(Token);
        var seeded = await ExperimentSeeder.SeedAsync(server.Client, "wine-quality-fasttree", TrialCount, finishParent: true, Token);
        var screenshots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;
        var profile = Directory.CreateTempSubdirectory("hq-chromium-").FullName;
        try
        {
            using var driver = StartChromium(profile);
            var baseAddress = server.Http.BaseAddress!;

            driver.Navigate().GoToUrl(baseAddress);
            var experimentRows = driver.FindElements(By.CssSelector("table#experiments tbody tr"));
            var row = Assert.Single(experimentRows);
            Assert.Contains("wine-quality-fasttree", row.Text, StringComparison.Ordinal);
            Assert.Contains($"{TrialCount} / 40", row.Text, StringComparison.Ordinal);
            Save(driver, screenshots, "1-experiments.png");

            row.FindElement(By.LinkText("wine-quality-fasttree")).Click();
            driver.Manage().Window.Size = new Size(1360, FullHeight(driver));
            Assert.Equal(TrialCount, driver.FindElements(By.CssSelector("table#trials tbody tr")).Count);
            Assert.Equal(
                ["#", "STATUS", "LOSS", "DURATION", "BOOSTER", "LEARNING_RATE", "NUM_LEAVES", "WORKER"],
                driver.FindElements(By.CssSelector("table#trials thead th")).Select(header => header.Text.Trim(' ', '▲', '▼')).ToList());

            // Loss per trial, one chart per parameter (3), parallel coordinates: each drawn and not empty.
            var charts = driver.FindElements(By.CssSelector("svg.chart"));
            Assert.Equal(5, charts.Count);
            foreach (var chart in charts)
            {
                Assert.True(chart.Size.Width > 200 && chart.Size.Height > 100, $"chart '{chart.GetAttribute("aria-label")}' is {chart.Size}");
                Assert.NotEmpty(chart.FindElements(By.CssSelector("circle, path")));
            }

            var ok = TrialCount - seeded.Failed;
            Assert.Equal(ok, charts[0].FindElements(By.CssSelector("circle:not(.failed)")).Count);
            Assert.Equal(seeded.Failed, charts[0].FindElements(By.CssSelector("circle.failed")).Count);
            Assert.Single(charts[0].FindElements(By.CssSelector("path.best-line")));
            Assert.Equal(ok, charts[4].FindElements(By.CssSelector("path.pc-line")).Count);
            Assert.Equal(ok, charts[1].FindElements(By.CssSelector("circle")).Count);
            Assert.Equal(3, charts[1].FindElements(By.CssSelector("rect.strip")).Count);
            Assert.Equal(seeded.BestLoss.ToString("G6", CultureInfo.InvariantCulture), driver.FindElement(By.Id("best-loss")).Text);
            Save(driver, screenshots, "2-experiment.png");

            // Sorting by loss puts the best trial first; that row links to the trial's child run.
            driver.FindElement(By.XPath("//table[@id='trials']//th[normalize-space()='Loss']")).Click();
            var first = driver.FindElement(By.CssSelector("table#trials tbody tr"));
            Assert.Equal(seeded.BestRunId, first.GetAttribute("data-run"));
            Assert.Equal(seeded.BestLoss.ToString("G6", CultureInfo.InvariantCulture), first.FindElements(By.TagName("td"))[2].Text);
            Save(driver, screenshots, "3-experiment-sorted-by-loss.png");

            first.FindElement(By.TagName("a")).Click();
            driver.Manage().Window.Size = new Size(1360, FullHeight(driver));
            Assert.EndsWith($"/runs/{seeded.BestRunId}", driver.Url, StringComparison.Ordinal);
            var parameters = driver.FindElement(By.Id("params")).Text;
            Assert.Contains("learning_rate", parameters, StringComparison.Ordinal);
            Assert.Contains("num_leaves", parameters, StringComparison.Ordinal);
            var metricChart = Assert.Single(driver.FindElements(By.CssSelector("svg.chart")));
            Assert.Equal("metric train_rmse over steps", metricChart.GetAttribute("aria-label"));
            Assert.Equal(20, metricChart.FindElements(By.CssSelector("circle")).Count);
            Assert.Single(metricChart.FindElements(By.CssSelector("path.metric-line")));
            Assert.Equal(seeded.BestLoss.ToString("G6", CultureInfo.InvariantCulture), driver.FindElement(By.Id("run-loss")).Text);
            var bestRecord = seeded.Trials.Single(trial => trial.RunId == seeded.BestRunId);
            var trialFacts = driver.FindElement(By.Id("trial")).Text;
            Assert.Contains($"number {bestRecord.Number}", trialFacts, StringComparison.Ordinal);
            Assert.Contains($"num_leaves={bestRecord.RawValues["num_leaves"]}", trialFacts, StringComparison.Ordinal);
            var artifact = driver.FindElement(By.CssSelector("#artifacts a"));
            Assert.Equal("reports/importance.csv", artifact.Text);
            Assert.Equal(seeded.ParentRunId, new Uri(driver.FindElement(By.Id("parent-link")).GetAttribute("href")!).Segments[^1]);
            Save(driver, screenshots, "4-run.png");

            var download = await server.Http.GetStringAsync(new Uri(artifact.GetAttribute("href")!), Token);
            Assert.Equal("feature,importance\nalcohol,0.41\n", download);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    private static ChromeDriver StartChromium(string profile)
    {
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1360,900", $"--user-data-dir={profile}");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    /// <summary>The height that shows the whole page in one screenshot, measured in a window of the usual height.</summary>
    private static int FullHeight(ChromeDriver driver)
    {
        driver.Manage().Window.Size = new Size(1360, 900);
        var height = Convert.ToInt32(driver.ExecuteScript("return document.documentElement.scrollHeight;"), CultureInfo.InvariantCulture);
        return Math.Clamp(height + 140, 900, 6000);
    }

    private static void Save(ChromeDriver driver, string folder, string name) =>
        driver.GetScreenshot().SaveAsFile(Path.Combine(folder, name));
}
