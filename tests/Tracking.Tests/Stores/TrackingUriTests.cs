using HyperQueue.Tracking.Stores;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace HyperQueue.Tracking.Tests.Stores;

public sealed class TrackingUriTests
{
    [Fact]
    public void Parse_SqliteRelativePath_AbsoluteDataSourceWithPoolingAndBusyTimeout()
    {
        var uri = TrackingUri.Parse("sqlite:./runs/hq.db");

        var builder = new SqliteConnectionStringBuilder(uri.ConnectionString);
        Assert.Equal(TrackingStoreKind.Sqlite, uri.Kind);
        Assert.Equal(Path.GetFullPath("./runs/hq.db"), builder.DataSource);
        Assert.True(builder.Pooling);
        Assert.Equal(60, builder.DefaultTimeout);
    }

    [Fact]
    public void Parse_MlflowStyleSqliteUri_PathAfterTripleSlash()
    {
        var uri = TrackingUri.Parse("sqlite:////tmp/hq/mlflow.db");

        Assert.Equal("/tmp/hq/mlflow.db", uri.SqlitePath);
    }

    [Fact]
    public void Parse_PostgresUrl_HostPortDatabaseAndEscapedCredentials()
    {
        var uri = TrackingUri.Parse("postgres://hq:p%40ss%3Aword@db.internal:6543/tracking");

        var builder = new NpgsqlConnectionStringBuilder(uri.ConnectionString);
        Assert.Equal(TrackingStoreKind.Postgres, uri.Kind);
        Assert.Equal("db.internal", builder.Host);
        Assert.Equal(6543, builder.Port);
        Assert.Equal("tracking", builder.Database);
        Assert.Equal("hq", builder.Username);
        Assert.Equal("p@ss:word", builder.Password);
    }

    [Fact]
    public void Parse_PostgresUrlWithoutPort_DefaultPort5432()
    {
        var builder = new NpgsqlConnectionStringBuilder(TrackingUri.Parse("postgresql://u@localhost/db").ConnectionString);

        Assert.Equal(5432, builder.Port);
        Assert.Equal("u", builder.Username);
    }

    [Fact]
    public void Parse_NpgsqlConnectionString_KeptAsPostgres()
    {
        var uri = TrackingUri.Parse("Host=127.0.0.1;Port=5433;Database=hq;Username=u;Password=p");

        var builder = new NpgsqlConnectionStringBuilder(uri.ConnectionString);
        Assert.Equal(TrackingStoreKind.Postgres, uri.Kind);
        Assert.Equal(5433, builder.Port);
        Assert.Equal("hq", builder.Database);
    }

    [Theory]
    [InlineData("http://tracking:5000")]
    [InlineData("https://tracking.example.com")]
    public void Parse_TrackingServiceUri_NotSupportedNamingUriAndForms(string text)
    {
        var error = Assert.Throws<NotSupportedException>(() => TrackingUri.Parse(text));

        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.Contains("not supported by the store", error.Message, StringComparison.Ordinal);
        Assert.Contains("sqlite:<path>", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mysql://db/x")]
    [InlineData("sqlite:")]
    [InlineData("postgres://host/")]
    [InlineData("Database=hq")]
    public void Parse_Unrecognised_FormatExceptionListingTheAcceptedForms(string text)
    {
        var error = Assert.Throws<FormatException>(() => TrackingUri.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("postgres://user:password@host:port/database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BadPostgresUrl_MessageHidesThePassword()
    {
        var error = Assert.Throws<FormatException>(() => TrackingUri.Parse("postgres://hq:secret@host/"));

        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("hq:***", error.Message, StringComparison.Ordinal);
    }
}
