using System.Globalization;
using System.Net;
using System.Text;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>A small SVG writer: numbers in invariant culture with one decimal, text always HTML-encoded.</summary>
internal sealed class Svg
{
    private readonly StringBuilder content = new();

    public Svg(int width, int height, string label)
    {
        Width = width;
        Height = height;
        Label = label;
    }

    public int Width { get; }

    public int Height { get; }

    public string Label { get; }

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    public Svg Line(double x1, double y1, double x2, double y2, string cssClass)
    {
        content.Append("<line class=\"").Append(cssClass).Append("\" x1=\"").Append(N(x1)).Append("\" y1=\"").Append(N(y1))
            .Append("\" x2=\"").Append(N(x2)).Append("\" y2=\"").Append(N(y2)).Append("\"/>");
        return this;
    }

    public Svg Text(double x, double y, string text, string cssClass, string anchor = "middle")
    {
        content.Append("<text class=\"").Append(cssClass).Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y))
            .Append("\" text-anchor=\"").Append(anchor).Append("\">").Append(Encode(text)).Append("</text>");
        return this;
    }

    /// <summary>A dot with a hover title (the browser shows it as a tooltip), optionally a link.</summary>
    public Svg Circle(double x, double y, double radius, string cssClass, string title, string? style = null, string? href = null)
    {
        if (href is not null)
        {
            content.Append("<a href=\"").Append(Encode(href)).Append("\">");
        }

        content.Append("<circle class=\"").Append(cssClass).Append("\" cx=\"").Append(N(x)).Append("\" cy=\"").Append(N(y))
            .Append("\" r=\"").Append(N(radius)).Append('"');
        if (style is not null)
        {
            content.Append(" style=\"").Append(style).Append('"');
        }

        content.Append("><title>").Append(Encode(title)).Append("</title></circle>");
        if (href is not null)
        {
            content.Append("</a>");
        }

        return this;
    }

    public Svg Path(IEnumerable<(double X, double Y)> points, string cssClass, string? style = null, string? title = null)
    {
        var data = string.Join(' ', points.Select((point, index) => $"{(index == 0 ? 'M' : 'L')}{N(point.X)},{N(point.Y)}"));
        if (data.Length == 0)
        {
            return this;
        }

        content.Append("<path class=\"").Append(cssClass).Append("\" d=\"").Append(data).Append('"');
        if (style is not null)
        {
            content.Append(" style=\"").Append(style).Append('"');
        }

        if (title is null)
        {
            content.Append("/>");
        }
        else
        {
            content.Append("><title>").Append(Encode(title)).Append("</title></path>");
        }

        return this;
    }

    public Svg Rect(double x, double y, double width, double height, string cssClass)
    {
        content.Append("<rect class=\"").Append(cssClass).Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(y))
            .Append("\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height)).Append("\"/>");
        return this;
    }

    /// <summary>Adds everything drawn on <paramref name="layer"/>, on top of what is drawn here so far.</summary>
    public Svg Append(Svg layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        content.Append(layer.content);
        return this;
    }

    /// <summary>The <c>&lt;svg&gt;</c> element, scaling to its container's width.</summary>
    public string Render(string cssClass = "chart") =>
        $"<svg class=\"{cssClass}\" viewBox=\"0 0 {Width.ToString(CultureInfo.InvariantCulture)} {Height.ToString(CultureInfo.InvariantCulture)}\" role=\"img\" aria-label=\"{Encode(Label)}\" xmlns=\"http://www.w3.org/2000/svg\">{content}</svg>";
}
