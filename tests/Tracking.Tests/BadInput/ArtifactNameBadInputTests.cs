using HyperQueue.Tracking.Client;
using Microsoft.Data.Sqlite;

namespace HyperQueue.Tracking.Tests.BadInput;

/// <summary>
/// Artifact names that try to leave the run's folder (<c>..</c>, absolute paths, drive and UNC forms, control
/// characters) and symbolic links planted inside it: rejected with the rule, and not one file or folder is created
/// outside the run's artifact folder (the whole artifact root and a neighbouring folder are compared before and after).
/// </summary>
public sealed class ArtifactNameBadInputTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hq-artifact-names-").FullName;

    private TrackingClient _client = null!;

    private string _runId = string.Empty;

    private string _runFolder = string.Empty;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Root => Path.Combine(_folder, "artifacts");

    /// <summary>A folder beside the artifact root that a link inside the run's folder points to.</summary>
    private string Outside => Path.Combine(_folder, "outside");

    public static TheoryData<string, string> UnsafeNames => new()
    {
        { "..", "'..'" },
        { "../escape.txt", "'..'" },
        { "a/../../escape.txt", "'..'" },
        { "a/b/../../../../escape.txt", "'..'" },
        { "..\\..\\escape.txt", "'..'" },
        { "/tmp/escape.txt", "absolute" },
        { "//server/share/escape.txt", "absolute" },
        { "\\\\server\\share\\escape.txt", "absolute" },
        { "C:\\escape.txt", "absolute" },
        { "c:escape.txt", "absolute" },
        { "~/../escape.txt", "'..'" },
        { "", "empty" },
        { ".", "names no file" },
        { "a\0b.txt", "control character" },
        { "tab\there.txt", "control character" },
    };

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Outside);
        await File.WriteAllTextAsync(Path.Combine(Outside, "secret.txt"), "outside", Token);
        _client = TrackingClient.Create($"sqlite:{Path.Combine(_folder, "tracking.db")}", Root);
        var experiment = await _client.CreateExperimentAsync("artifacts", Token);
        var run = await _client.CreateRunAsync(experiment.ExperimentId, cancellationToken: Token);
        _runId = run.RunId;
        await File.WriteAllTextAsync(Source, "payload", Token);
        await _client.LogArtifactAsync(_runId, Source, "kept/first.txt", Token);
        _runFolder = Path.Combine(Root, experiment.ExperimentId, run.RunId, "artifacts");
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string Source => Path.Combine(_folder, "source.txt");

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public async Task LogArtifactAsync_UnsafeName_RejectedNamingTheRuleAndNothingWrittenAnywhere(string name, string rule)
    {
        var before = Tree(_folder);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _client.LogArtifactAsync(_runId, Source, name, Token));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Tree(_folder));
    }

    [Fact]
    public async Task LogArtifactAsync_HostileRunId_RejectedAndNothingWritten()
    {
        var before = Tree(_folder);

        await Assert.ThrowsAsync<KeyNotFoundException>(() => _client.LogArtifactAsync("../../outside", Source, "x.txt", Token));

        Assert.Equal(before, Tree(_folder));
    }

    [Fact]
    public async Task LogArtifactAsync_ThroughADirectoryLinkToOutside_RejectedAndNoFolderCreatedOutside()
    {
        Directory.CreateSymbolicLink(Path.Combine(_runFolder, "link"), Outside);
        var before = Tree(Outside);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _client.LogArtifactAsync(_runId, Source, "link/new/deeper/x.txt", Token));

        Assert.Contains("outside the run's artifact folder", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Tree(Outside));
    }

    [Fact]
    public async Task ListArtifactsAsync_DirectoryLinkToOutside_ListsNothingFromOutside()
    {
        Directory.CreateSymbolicLink(Path.Combine(_runFolder, "link"), Outside);

        var names = await _client.ListArtifactsAsync(_runId, Token);

        Assert.Equal(["kept/first.txt"], names);
    }

    /// <summary>Every file and folder under <paramref name="folder"/> (links not followed) with file contents.</summary>
    private static List<string> Tree(string folder) =>
        [.. Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint })
            .Select(path => File.Exists(path) ? $"{path}={File.ReadAllText(path)}" : path)
            .Where(entry => !entry.Contains("tracking.db", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];
}
