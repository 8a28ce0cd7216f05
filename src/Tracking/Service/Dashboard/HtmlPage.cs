using System.Globalization;
using System.Net;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>The page shell: inline CSS and the one small sorting script, so the dashboard works offline.</summary>
internal static class HtmlPage
{
    private const string Style = """
        :root { --ink:#1f2937; --muted:#6b7280; --line:#e5e7eb; --bg:#f6f7fb; --card:#fff; --accent:#2563eb; --ok:#15803d; --bad:#b91c1c; --run:#b45309; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
        header.top { background:#111827; color:#fff; padding:10px 28px; display:flex; align-items:center; gap:18px; }
        header.top a { color:#fff; text-decoration:none; font-weight:600; letter-spacing:.02em; }
        header.top .crumbs { color:#9ca3af; }
        header.top .crumbs a { color:#d1d5db; font-weight:400; }
        main { max-width:1180px; margin:0 auto; padding:22px 28px 48px; }
        h1 { font-size:22px; margin:4px 0 4px; }
        h2 { font-size:16px; margin:0 0 10px; }
        .sub { color:var(--muted); margin-bottom:18px; }
        .card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; margin-bottom:18px; box-shadow:0 1px 2px rgba(0,0,0,.04); }
        .stats { display:grid; grid-template-columns:repeat(auto-fit, minmax(170px, 1fr)); gap:12px; margin-bottom:18px; }
        .stat { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; }
        .stat .label { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.05em; }
        .stat .value { font-size:22px; font-weight:600; margin-top:2px; font-variant-numeric:tabular-nums; }
        .grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(340px, 1fr)); gap:14px; }
        .grid .card { margin:0; }
        table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
        th, td { text-align:left; padding:7px 10px; border-bottom:1px solid var(--line); white-space:nowrap; }
        th { font-size:12px; color:var(--muted); text-transform:uppercase; letter-spacing:.04em; background:#fafafa; position:sticky; top:0; }
        th.sortable { cursor:pointer; user-select:none; }
        th.sortable:hover { color:var(--accent); }
        th[aria-sort=ascending]::after { content:" ▲"; }
        th[aria-sort=descending]::after { content:" ▼"; }
        td.num { text-align:right; }
        tr.best td { background:#eff6ff; font-weight:600; }
        tbody tr:hover td { background:#f9fafb; }
        .scroll { overflow-x:auto; max-height:560px; overflow-y:auto; }
        a { color:var(--accent); }
        .badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px; font-weight:600; background:#eef2ff; color:#3730a3; }
        .badge.running { background:#fef3c7; color:var(--run); }
        .badge.finished, .badge.ok { background:#dcfce7; color:var(--ok); }
        .badge.failed, .badge.fail, .badge.killed, .badge.cancelled, .badge.error { background:#fee2e2; color:var(--bad); }
        .progress { background:#e5e7eb; border-radius:999px; height:8px; width:140px; display:inline-block; vertical-align:middle; overflow:hidden; }
        .progress > span { display:block; height:100%; background:var(--accent); }
        .muted { color:var(--muted); }
        .empty { color:var(--muted); padding:18px 0; }
        svg.chart { width:100%; height:auto; display:block; }
        svg .axis { stroke:#9ca3af; stroke-width:1; }
        svg .grid { stroke:#eef0f3; stroke-width:1; }
        svg .tick { fill:#6b7280; font-size:11px; }
        svg .axis-title { fill:#374151; font-size:12px; font-weight:600; }
        svg .halo { paint-order:stroke; stroke:#fff; stroke-width:3px; stroke-linejoin:round; }
        svg .vertical { writing-mode:vertical-rl; }
        svg .dot { stroke:#fff; stroke-width:1; opacity:.92; }
        svg .dot.best { stroke:#111827; stroke-width:2; }
        svg .dot.failed { fill:var(--bad); }
        svg .dot.metric { fill:var(--accent); }
        svg .best-line { fill:none; stroke:#111827; stroke-width:1.6; stroke-dasharray:5 3; }
        svg .metric-line { fill:none; stroke:var(--accent); stroke-width:2; }
        svg .strip { fill:#f3f4f6; }
        svg .pc-axis { stroke:#4b5563; stroke-width:1.2; }
        svg .pc-line { fill:none; stroke-width:1.3; opacity:.5; }
        svg .pc-line.best { stroke-width:3; opacity:1; }
        svg .pc-line:hover { stroke-width:3; opacity:1; }
        .legend { color:var(--muted); font-size:12px; margin-top:6px; }
        .kv td { white-space:normal; overflow-wrap:anywhere; }
        .kv td:first-child { color:var(--muted); width:38%; }
        .grid.wide { grid-template-columns:repeat(auto-fill, minmax(520px, 1fr)); }
        .tiles { display:flex; flex-wrap:wrap; gap:12px; margin-bottom:14px; }
        """;

    // Sorts a table by the clicked column's data-value (numbers numerically, empty cells last).
    private const string SortScript = """
        document.querySelectorAll('table.sortable').forEach(function (table) {
          table.querySelectorAll('th.sortable').forEach(function (th, column) {
            th.addEventListener('click', function () {
              var ascending = th.getAttribute('aria-sort') !== 'ascending';
              table.querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
              th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
              var index = Array.prototype.indexOf.call(th.parentNode.children, th);
              var body = table.tBodies[0];
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = a.cells[index].getAttribute('data-value'), y = b.cells[index].getAttribute('data-value');
                if (x === '' || x === null) return 1;
                if (y === '' || y === null) return -1;
                var nx = parseFloat(x), ny = parseFloat(y);
                var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
                return ascending ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            });
          });
        });
        """;

    public static string Render(string title, string crumbs, string body, int? refreshSeconds)
    {
        var refresh = refreshSeconds is { } seconds
            ? $"<meta http-equiv=\"refresh\" content=\"{seconds.ToString(CultureInfo.InvariantCulture)}\">"
            : string.Empty;
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            {refresh}<title>{E(title)} · HyperQueue</title><style>{Style}</style></head>
            <body><header class="top"><a href="/">HyperQueue</a><span class="crumbs">{crumbs}</span></header>
            <main>{body}</main><script>{SortScript}</script></body></html>
            """;
    }

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    public static string Badge(string status) => $"<span class=\"badge {E(status.ToLowerInvariant())}\">{E(status.ToLowerInvariant())}</span>";

    public static string Time(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    public static string Duration(TimeSpan? duration) => duration switch
    {
        null => "—",
        { TotalSeconds: < 1 } span => span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms",
        { TotalMinutes: < 1 } span => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
        { TotalHours: < 1 } span => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s"),
        { } span => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
    };

    public static string Loss(double? loss) => loss is { } value ? (double.IsFinite(value) ? value.ToString("G6", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture)) : "—";

    public static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
