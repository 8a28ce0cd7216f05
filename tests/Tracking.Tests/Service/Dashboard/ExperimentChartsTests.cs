using System.Text.Json;
using System.Text.RegularExpressions;
using HyperQueue.Contracts;
using HyperQueue.Tracking.Service.Dashboard;
using HyperQueue.Tracking.Trials;

namespace HyperQueue.Tracking.Tests.Service.Dashboard;

public sealed class ExperimentChartsTests
{
    private static readonly IReadOnlyList<TrialView> Trials = TrialView.From(
    [
        Trial(0, 0.9, "adam", 0.1),
        Trial(1, 0.4, "sgd", 0.01),
        Trial(2, 0.6, "adam", 0.001),
        Trial(3, null, "<b>", 0.02),
        Trial(4, 0.2, "sgd", 0.05),
    ]);

    [Fact]
    public void LossPerTrial_OkAndFailedTrials_DrawsADotEachAndTheBestSoFarSteps()
    {
        var svg = ExperimentCharts.LossPerTrial(Trials, "/runs/");

        Assert.Equal(4, Regex.Count(svg, "<circle class=\"dot( best)?\""));
        Assert.Equal(1, Regex.Count(svg, "<circle class=\"dot failed\""));
        Assert.Equal(1, Regex.Count(svg, "class=\"dot best\""));

        // Best so far: start at 0.9 (trial 0), drop to 0.4 at trial 1 and to 0.2 at trial 4 (two points per drop), end at the last trial.
        var path = Regex.Match(svg, "class=\"best-line\" d=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(6, path.Split(' ').Length);
        Assert.Contains("href=\"/runs/run-3\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void LossVersusParameter_Categorical_DrawsOneStripPerValue()
    {
        var svg = ExperimentCharts.LossVersusParameter(Trials, "optimizer");

        // Only ok trials are placed: adam and sgd; the failed trial's '<b>' makes no strip and is never raw markup.
        Assert.Equal(2, Regex.Count(svg, "class=\"strip\""));
        Assert.Equal(4, Regex.Count(svg, "<circle"));
        Assert.DoesNotContain("<b>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void LossVersusParameter_NumericOverDecades_UsesALogAxis()
    {
        var svg = ExperimentCharts.LossVersusParameter(Trials, "lr");

        Assert.Contains(">lr (log)</text>", svg, StringComparison.Ordinal);
        Assert.Equal(0, Regex.Count(svg, "class=\"strip\""));
    }

    [Fact]
    public void ParallelCoordinates_OkTrials_OneLinePerTrialThroughEveryAxis()
    {
        var svg = ExperimentCharts.ParallelCoordinates(Trials, ["lr", "optimizer"]);

        var lines = Regex.Matches(svg, "class=\"pc-line( best)?\" d=\"([^\"]+)\"");
        Assert.Equal(4, lines.Count);
        Assert.All(lines, line => Assert.Equal(3, line.Groups[2].Value.Split(' ').Length));
        Assert.Equal(1, Regex.Count(svg, "class=\"pc-line best\""));
        Assert.Equal(3, Regex.Count(svg, "class=\"pc-axis\""));
    }

    private static TrialRecord Trial(int number, double? loss, string optimizer, double lr) => new()
    {
        TrialId = Guid.NewGuid(),
        ExperimentId = "e",
        RunId = $"run-{number}",
        Number = number,
        State = TrialState.Done,
        Status = loss is null ? TrialStatus.Fail : TrialStatus.Ok,
        Loss = loss,
        Parameters = JsonSerializer.SerializeToElement(new { optimizer, lr }),
    };
}
