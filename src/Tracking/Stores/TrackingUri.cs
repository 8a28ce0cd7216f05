using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperQueue.Tracking.Stores;

/// <summary>A parsed tracking URI: which store, and the ADO.NET connection string for it.</summary>
internal sealed record TrackingUri(TrackingStoreKind Kind, string ConnectionString)
{
    public const string AcceptedForms =
        "accepted forms: 'sqlite:<path>', 'postgres://user:password@host:port/database' or an Npgsql connection string ('Host=...;Database=...')";

    /// <summary>The database file of a SQLite URI; null for Postgres.</summary>
    public string? SqlitePath => Kind == TrackingStoreKind.Sqlite
        ? new SqliteConnectionStringBuilder(ConnectionString).DataSource
        : null;

    public static TrackingUri Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var text = uri.Trim();
        if (text.Length == 0)
        {
            throw new FormatException($"tracking URI '{uri}' is empty; {AcceptedForms}");
        }

        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return ParseSqlite(uri, text["sqlite:".Length..]);
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return ParsePostgresUrl(uri, text);
        }

        if (text.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException(
                $"tracking URI '{uri}' names a tracking service; a service URI is not supported by the store, which needs direct database access; {AcceptedForms}");
        }

        if (text.Contains('=', StringComparison.Ordinal))
        {
            return ParseNpgsqlConnectionString(uri, text);
        }

        throw new FormatException($"tracking URI '{uri}' is not recognised; {AcceptedForms}");
    }

    private static TrackingUri ParseSqlite(string uri, string path)
    {
        // MLflow writes sqlite:///relative.db and sqlite:////absolute.db; accept that spelling as well as sqlite:path.
        if (path.StartsWith("///", StringComparison.Ordinal))
        {
            path = path[3..];
        }

        if (path.Length == 0 || path.Contains(';', StringComparison.Ordinal))
        {
            throw new FormatException(
                $"tracking URI '{uri}': the SQLite path must be a non-empty file path without ';'; {AcceptedForms}");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Seconds a command waits on a locked database before failing (the busy timeout; writers queue in WAL mode).
            DefaultTimeout = 60,
        };
        return new TrackingUri(TrackingStoreKind.Sqlite, builder.ConnectionString);
    }

    private static TrackingUri ParsePostgresUrl(string uri, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || string.IsNullOrEmpty(url.Host))
        {
            throw new FormatException($"tracking URI '{Redact(uri)}' is not a valid postgres:// URL; {AcceptedForms}");
        }

        var database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw new FormatException(
                $"tracking URI '{Redact(uri)}': the path must name one database (postgres://user:password@host:port/database)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.IsDefaultPort || url.Port < 0 ? 5432 : url.Port,
            Database = database,
            Pooling = true,
        };
        if (url.UserInfo.Length > 0)
        {
            var separator = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(separator < 0 ? url.UserInfo : url.UserInfo[..separator]);
            if (separator >= 0)
            {
                builder.Password = Uri.UnescapeDataString(url.UserInfo[(separator + 1)..]);
            }
        }

        return new TrackingUri(TrackingStoreKind.Postgres, builder.ConnectionString);
    }

    private static TrackingUri ParseNpgsqlConnectionString(string uri, string text)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(text);
        }
        catch (ArgumentException exception)
        {
            throw new FormatException(
                $"tracking URI '{Redact(uri)}' is not a valid Npgsql connection string ({exception.Message}); {AcceptedForms}", exception);
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            throw new FormatException($"tracking URI '{Redact(uri)}': the Npgsql connection string has no Host; {AcceptedForms}");
        }

        return new TrackingUri(TrackingStoreKind.Postgres, builder.ConnectionString);
    }

    /// <summary>The URI with any password replaced, for messages and logs.</summary>
    public static string Redact(string uri)
    {
        if (Uri.TryCreate(uri.Trim(), UriKind.Absolute, out var url) && url.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            return uri.Replace(url.UserInfo, url.UserInfo[..url.UserInfo.IndexOf(':', StringComparison.Ordinal)] + ":***", StringComparison.Ordinal);
        }

        try
        {
            var builder = new NpgsqlConnectionStringBuilder(uri);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "***";
                return builder.ConnectionString;
            }
        }
        catch (ArgumentException)
        {
            // Not a connection string either: nothing recognisable to hide.
        }

        return uri;
    }
}
