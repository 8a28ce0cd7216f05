using HyperQueue.Contracts;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>
/// The experiment page's SVG charts, rendered here so the page needs no script or download: loss per trial with the
/// best-so-far line, loss against each parameter (categoricals as strips) and parallel coordinates.
/// </summary>
internal static class ExperimentCharts
{
    private const double Left = 64;
    private const double Right = 18;
    private const double Top = 18;
    private const double Bottom = 44;

    public static string LossPerTrial(IReadOnlyList<TrialView> trials, string runLinkPrefix)
    {
        var svg = new Svg(880, 300, "loss per trial with the best loss so far");
        var ok = trials.Where(trial => trial.PlottableLoss is not null).ToList();
        var x = Scale.Fit(trials.Select(trial => (double)trial.Number).Append(0), Left, svg.Width - Right, allowLog: false);
        var y = Scale.Fit(ok.Select(trial => trial.PlottableLoss!.Value), svg.Height - Bottom, Top);
        Axes(svg, x, y, "trial", "loss");
        var rank = Palette.Ranker(ok.Select(trial => trial.PlottableLoss!.Value));

        var best = double.PositiveInfinity;
        var steps = new List<(double X, double Y)>();
        foreach (var trial in ok.OrderBy(trial => trial.Number))
        {
            var loss = trial.PlottableLoss!.Value;
            if (loss < best)
            {
                if (steps.Count > 0)
                {
                    steps.Add((x.Map(trial.Number), y.Map(best)));
                }

                best = loss;
                steps.Add((x.Map(trial.Number), y.Map(best)));
            }
        }

        if (steps.Count > 0)
        {
            steps.Add((x.Map(trials.Max(trial => trial.Number)), steps[^1].Y));
        }

        svg.Path(steps, "best-line", title: "best loss so far");
        foreach (var trial in trials)
        {
            var href = runLinkPrefix + trial.Record.RunId;
            if (trial.PlottableLoss is { } loss)
            {
                var isBest = loss == best;
                svg.Circle(x.Map(trial.Number), y.Map(loss), isBest ? 6 : 4.2, isBest ? "dot best" : "dot",
                    $"trial {trial.Number}: loss {Scale.Label(loss)}", $"fill:{Palette.ForRank(rank(loss))}", href);
            }
            else if (trial.Record.Status is TrialStatus.Fail or TrialStatus.Cancelled)
            {
                svg.Circle(x.Map(trial.Number), Top + 4, 3.5, "dot failed",
                    $"trial {trial.Number}: {ExperimentProgress.StatusText(trial.Record)} {trial.Record.ErrorMessage}", href: href);
            }
        }

        return svg.Render();
    }

    public static string LossVersusParameter(IReadOnlyList<TrialView> trials, string name)
    {
        var svg = new Svg(360, 240, $"loss against {name}");
        var ok = trials.Where(trial => trial.PlottableLoss is not null && trial.Params.ContainsKey(name)).ToList();
        var y = Scale.Fit(ok.Select(trial => trial.PlottableLoss!.Value), svg.Height - Bottom, Top);
        var rank = Palette.Ranker(ok.Select(trial => trial.PlottableLoss!.Value));
        var bestLoss = ok.Count > 0 ? ok.Min(trial => trial.PlottableLoss!.Value) : double.NaN;
        var numeric = ok.All(trial => TrialView.TryNumber(trial.Params[name], out _));
        Func<TrialView, double> position;
        if (numeric)
        {
            var x = Scale.Fit(ok.Select(trial => Number(trial.Params[name])), Left, svg.Width - Right);
            Axes(svg, x, y, name + (x.IsLogarithmic ? " (log)" : string.Empty), "loss");
            position = trial => x.Map(Number(trial.Params[name]));
        }
        else
        {
            var categories = ok.Select(trial => trial.Params[name]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var band = (svg.Width - Left - Right) / Math.Max(1, categories.Count);
            YAxis(svg, y, "loss");
            for (var index = 0; index < categories.Count; index++)
            {
                var left = Left + (index * band);
                svg.Rect(left + 2, Top, band - 4, svg.Height - Top - Bottom, "strip");
                svg.Text(left + (band / 2), svg.Height - Bottom + 16, Shorten(categories[index], (int)(band / 7)), "tick");
            }

            svg.Text(Left + ((svg.Width - Left - Right) / 2), svg.Height - 6, name, "axis-title");
            position = trial =>
            {
                var index = categories.IndexOf(trial.Params[name]);

                // Spread a strip's points sideways by trial number (golden-ratio steps), so equal values do not hide each other.
                var jitter = ((trial.Number * 0.6180339887) % 1) - 0.5;
                return Left + (index * band) + (band / 2) + (jitter * band * 0.6);
            };
        }

        foreach (var trial in ok)
        {
            var loss = trial.PlottableLoss!.Value;
            svg.Circle(position(trial), y.Map(loss), loss == bestLoss ? 5.5 : 3.8, loss == bestLoss ? "dot best" : "dot",
                $"trial {trial.Number}: {name} = {trial.Params[name]}, loss {Scale.Label(loss)}", $"fill:{Palette.ForRank(rank(loss))}");
        }

        return svg.Render();
    }

    public static string ParallelCoordinates(IReadOnlyList<TrialView> trials, IReadOnlyList<string> names)
    {
        var svg = new Svg(960, 340, "parallel coordinates of parameters and loss");

        // Axes and their labels go on a layer drawn after the trial lines, so the lines never hide them.
        var labels = new Svg(svg.Width, svg.Height, svg.Label);
        var ok = trials.Where(trial => trial.PlottableLoss is not null).ToList();
        var axes = names.Append("loss").ToList();
        var spacing = (svg.Width - 120.0) / Math.Max(1, axes.Count - 1);
        var (top, bottom) = (Top + 24, svg.Height - 36.0);
        var mappers = new List<Func<TrialView, double?>>();
        for (var index = 0; index < axes.Count; index++)
        {
            var axisX = 60 + (index * spacing);
            var name = axes[index];
            labels.Line(axisX, top, axisX, bottom, "pc-axis");
            labels.Text(axisX, Top + 6, Shorten(name, 18), "axis-title");
            if (index == axes.Count - 1)
            {
                var lossScale = Scale.Fit(ok.Select(trial => trial.PlottableLoss!.Value), bottom, top);
                AxisEnds(labels, axisX, lossScale, bottom, top);
                mappers.Add(trial => lossScale.Map(trial.PlottableLoss!.Value));
                continue;
            }

            var values = ok.Where(trial => trial.Params.ContainsKey(name)).Select(trial => trial.Params[name]).ToList();
            if (values.All(value => TrialView.TryNumber(value, out _)))
            {
                var scale = Scale.Fit(values.Select(Number), bottom, top);
                AxisEnds(labels, axisX, scale, bottom, top);
                mappers.Add(trial => trial.Params.TryGetValue(name, out var value) ? scale.Map(Number(value)) : null);
            }
            else
            {
                var categories = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                double Place(int category) => categories.Count == 1 ? (top + bottom) / 2 : bottom - (category * (bottom - top) / (categories.Count - 1));
                for (var category = 0; category < categories.Count; category++)
                {
                    labels.Text(axisX + 6, Place(category) + 4, Shorten(categories[category], 14), "tick halo", "start");
                }

                mappers.Add(trial => trial.Params.TryGetValue(name, out var value) ? Place(categories.IndexOf(value)) : null);
            }
        }

        var rank = Palette.Ranker(ok.Select(trial => trial.PlottableLoss!.Value));

        // Worst first, so the best trials are drawn last and stay on top.
        foreach (var trial in ok.OrderByDescending(trial => trial.PlottableLoss))
        {
            var points = new List<(double X, double Y)>();
            for (var index = 0; index < axes.Count; index++)
            {
                if (mappers[index](trial) is { } axisY)
                {
                    points.Add((60 + (index * spacing), axisY));
                }
            }

            var loss = trial.PlottableLoss!.Value;
            svg.Path(points, rank(loss) == 0 ? "pc-line best" : "pc-line", $"stroke:{Palette.ForRank(rank(loss))}", $"trial {trial.Number}: loss {Scale.Label(loss)}");
        }

        return svg.Append(labels).Render();
    }

    internal static void Axes(Svg svg, Scale x, Scale y, string xTitle, string yTitle)
    {
        YAxis(svg, y, yTitle);
        foreach (var tick in x.Ticks(8))
        {
            svg.Line(x.Map(tick), svg.Height - Bottom, x.Map(tick), svg.Height - Bottom + 4, "axis");
            svg.Text(x.Map(tick), svg.Height - Bottom + 17, Scale.Label(tick), "tick");
        }

        svg.Line(Left, svg.Height - Bottom, svg.Width - Right, svg.Height - Bottom, "axis");
        svg.Text(Left + ((svg.Width - Left - Right) / 2), svg.Height - 6, xTitle, "axis-title");
    }

    private static void YAxis(Svg svg, Scale y, string title)
    {
        foreach (var tick in y.Ticks())
        {
            svg.Line(Left, y.Map(tick), svg.Width - Right, y.Map(tick), "grid");
            svg.Text(Left - 8, y.Map(tick) + 4, Scale.Label(tick), "tick", "end");
        }

        svg.Line(Left, Top, Left, svg.Height - Bottom, "axis");
        svg.Text(14, Top + ((svg.Height - Top - Bottom) / 2), title, "axis-title vertical");
    }

    private static void AxisEnds(Svg svg, double axisX, Scale scale, double bottom, double top)
    {
        var ticks = scale.Ticks(4).Where(tick => scale.Map(tick) <= bottom + 0.5 && scale.Map(tick) >= top - 0.5).ToList();
        foreach (var tick in ticks)
        {
            svg.Line(axisX - 3, scale.Map(tick), axisX + 3, scale.Map(tick), "axis");
            svg.Text(axisX + 6, scale.Map(tick) + 4, Scale.Label(tick), "tick halo", "start");
        }
    }

    private static double Number(string text) => TrialView.TryNumber(text, out var value) ? value : double.NaN;

    private static string Shorten(string text, int length) =>
        text.Length <= Math.Max(length, 4) ? text : string.Concat(text.AsSpan(0, Math.Max(length, 4) - 1), "…");
}
