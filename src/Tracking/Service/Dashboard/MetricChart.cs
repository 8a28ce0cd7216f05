using HyperQueue.Tracking.Runs;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>One metric's history as a line over steps (over logging order when every value has the same step).</summary>
internal static class MetricChart
{
    public static string Render(string key, IReadOnlyList<Metric> history)
    {
        var svg = new Svg(460, 230, $"metric {key} over steps");
        var finite = history.Where(metric => double.IsFinite(metric.Value)).ToList();
        var bySteps = finite.Select(metric => metric.Step).Distinct().Count() > 1 || finite.Count <= 1;
        var xs = finite.Select((metric, index) => bySteps ? (double)metric.Step : index).ToList();
        var x = Scale.Fit(xs, 64, svg.Width - 18, allowLog: false);
        var y = Scale.Fit(finite.Select(metric => metric.Value), svg.Height - 44, 18, allowLog: false);
        ExperimentCharts.Axes(svg, x, y, bySteps ? "step" : "logged value #", key);
        svg.Path(finite.Select((metric, index) => (x.Map(xs[index]), y.Map(metric.Value))), "metric-line");
        for (var index = 0; index < finite.Count; index++)
        {
            svg.Circle(x.Map(xs[index]), y.Map(finite[index].Value), finite.Count > 60 ? 1.8 : 3, "dot metric",
                $"{key} step {finite[index].Step}: {Scale.Label(finite[index].Value)}");
        }

        return svg.Render();
    }
}
