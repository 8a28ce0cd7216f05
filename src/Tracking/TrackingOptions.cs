namespace HyperQueue.Tracking;

/// <summary>Where and whether HyperQueue records experiments (MLflow's tracking URI and artifact root).</summary>
public sealed class TrackingOptions
{
    /// <summary>Configuration section: <c>HyperQueue:Tracking</c>.</summary>
    public const string SectionName = "HyperQueue:Tracking";

    /// <summary>The default store: a SQLite file in the working directory.</summary>
    public const string DefaultUri = "sqlite:./hyperqueue.db";

    /// <summary>Folder name used for artifacts when <see cref="ArtifactRoot"/> is not set.</summary>
    public const string DefaultArtifactFolder = "hyperqueue-artifacts";

    /// <summary>
    /// The store (MLflow's <c>MLFLOW_TRACKING_URI</c>): <c>sqlite:&lt;path&gt;</c>, <c>postgres://user:password@host:port/db</c>
    /// or an Npgsql connection string.
    /// </summary>
    public string Uri { get; set; } = DefaultUri;

    /// <summary>Folder for artifact files; null puts <c>hyperqueue-artifacts</c> beside a SQLite file (or in the working directory).</summary>
    public string? ArtifactRoot { get; set; }

    /// <summary>
    /// Automatic logging of experiments and trials by <c>fmin</c> and workers. When false they log nothing by
    /// themselves; the <see cref="Client.TrackingClient"/> still works for manual logging.
    /// </summary>
    public bool Enabled { get; set; } = true;
}
