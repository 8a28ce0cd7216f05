namespace HyperQueue.Tracking.Service;

/// <summary>
/// Settings of the tracking service and dashboard (<c>hq ui</c>), the counterpart of <c>mlflow server</c>'s
/// <c>--backend-store-uri</c>, <c>--default-artifact-root</c> and <c>--host/--port</c>.
/// </summary>
public sealed class TrackingServerOptions
{
    /// <summary>The address served when none is given: loopback only, so no token is needed.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <summary>The environment variable <c>hq ui</c> reads the bearer token from when <c>--token</c> is not given.</summary>
    public const string TokenEnvironmentVariable = "HQ_UI_TOKEN";

    /// <summary>The store to serve: <c>sqlite:&lt;path&gt;</c>, <c>postgres://…</c> or an Npgsql connection string.</summary>
    public string TrackingUri { get; set; } = TrackingOptions.DefaultUri;

    /// <summary>Folder of artifact files; null uses the store's default (beside a SQLite file).</summary>
    public string? ArtifactRoot { get; set; }

    /// <summary>
    /// Addresses to listen on, separated by ';' (ASP.NET Core's <c>--urls</c>). Port 0 picks a free port; the bound
    /// addresses are on <see cref="RunningTrackingServer.Addresses"/>.
    /// </summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>
    /// Bearer token every request must carry (<c>Authorization: Bearer &lt;token&gt;</c>, what MLflow clients send from
    /// <c>MLFLOW_TRACKING_TOKEN</c>; a browser opens a page once with <c>?token=…</c> and keeps it in an HttpOnly cookie).
    /// Required when any address is not loopback; when set, it is checked on loopback too.
    /// </summary>
    public string? Token { get; set; }

    /// <summary>How often (seconds) a dashboard page of a running experiment reloads itself.</summary>
    public int RefreshSeconds { get; set; } = 5;
}
