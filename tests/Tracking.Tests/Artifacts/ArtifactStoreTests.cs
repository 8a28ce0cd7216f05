using HyperQueue.Tracking.Artifacts;

namespace HyperQueue.Tracking.Tests.Artifacts;

public sealed class ArtifactStoreTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("hq-artifact-store-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task CopyAsync_DirectoryLinkPointingOutside_RejectedAndOutsideUntouched()
    {
        var token = TestContext.Current.CancellationToken;
        var store = new ArtifactStore(Path.Combine(folder, "root"));
        var runDirectory = store.RunLocation("e", "r");
        var outside = Directory.CreateDirectory(Path.Combine(folder, "outside")).FullName;
        Directory.CreateDirectory(runDirectory);
        Directory.CreateSymbolicLink(Path.Combine(runDirectory, "link"), outside);
        var source = Path.Combine(folder, "source.txt");
        await File.WriteAllTextAsync(source, "x", token);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ArtifactStore.CopyAsync(runDirectory, source, "link/file.txt", token));

        Assert.Contains("outside the run's artifact folder", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
    }

    [Fact]
    public async Task CopyAsync_DestinationIsFileLink_RejectedAndTargetUnchanged()
    {
        var token = TestContext.Current.CancellationToken;
        var store = new ArtifactStore(Path.Combine(folder, "root"));
        var runDirectory = store.RunLocation("e", "r");
        Directory.CreateDirectory(runDirectory);
        var target = Path.Combine(folder, "target.txt");
        await File.WriteAllTextAsync(target, "keep", token);
        File.CreateSymbolicLink(Path.Combine(runDirectory, "out.txt"), target);
        var source = Path.Combine(folder, "source.txt");
        await File.WriteAllTextAsync(source, "overwrite", token);

        await Assert.ThrowsAsync<ArgumentException>(() => ArtifactStore.CopyAsync(runDirectory, source, "out.txt", token));

        Assert.Equal("keep", await File.ReadAllTextAsync(target, token));
    }

    [Fact]
    public async Task CopyAsync_SameNameTwice_LastContentAndNoPartialFilesLeft()
    {
        var token = TestContext.Current.CancellationToken;
        var runDirectory = new ArtifactStore(Path.Combine(folder, "root")).RunLocation("e", "r");
        var source = Path.Combine(folder, "source.txt");
        await File.WriteAllTextAsync(source, "one", token);
        await ArtifactStore.CopyAsync(runDirectory, source, "a.txt", token);
        await File.WriteAllTextAsync(source, "two", token);

        await ArtifactStore.CopyAsync(runDirectory, source, "a.txt", token);

        Assert.Equal("two", await File.ReadAllTextAsync(Path.Combine(runDirectory, "a.txt"), token));
        Assert.Equal(["a.txt"], Directory.EnumerateFiles(runDirectory).Select(Path.GetFileName));
    }
}
