namespace HyperQueue.Tracking.Artifacts;

/// <summary>
/// Files logged by runs, under <c>&lt;root&gt;/&lt;experimentId&gt;/&lt;runId&gt;/artifacts/&lt;name&gt;</c> (MLflow's layout).
/// A file is copied to a temporary name and moved into place, so a reader never sees half a file.
/// </summary>
internal sealed class ArtifactStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string ExperimentLocation(string experimentId) => Path.Combine(Root, experimentId);

    public string RunLocation(string experimentId, string runId) => Path.Combine(Root, experimentId, runId, "artifacts");

    /// <summary>Copies <paramref name="localPath"/> to the run's artifacts; returns the stored name.</summary>
    public static async Task<string> CopyAsync(string runArtifactUri, string localPath, string? artifactPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(localPath);
        var source = Path.GetFullPath(localPath);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"artifact source '{localPath}' is not a file", localPath);
        }

        var name = ArtifactPath.Normalize(artifactPath ?? Path.GetFileName(source));
        var runDirectory = Path.GetFullPath(runArtifactUri);
        var destination = Path.GetFullPath(Path.Combine(runDirectory, name));
        EnsureInside(runDirectory, destination, name);
        // Links first, then folders: creating "link/new" through a link to elsewhere would already write outside.
        EnsureNoEscapingLinks(runDirectory, destination, name);
        var directory = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(directory);

        var temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await input.CopyToAsync(output, cancellationToken);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return name;
    }

    /// <summary>The names of the run's artifacts, '/'-separated and sorted.</summary>
    public static IReadOnlyList<string> List(string runArtifactUri)
    {
        var runDirectory = Path.GetFullPath(runArtifactUri);
        if (!Directory.Exists(runDirectory))
        {
            return [];
        }

        // Links are skipped: artifacts are never written through one, and a planted link must not list outside files.
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return [.. Directory.EnumerateFiles(runDirectory, "*", options)
            .Where(file => !Path.GetFileName(file).EndsWith(".partial", StringComparison.Ordinal))
            .Select(file => Path.GetRelativePath(runDirectory, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
    }

    private static void EnsureInside(string runDirectory, string path, string name)
    {
        var prefix = runDirectory.EndsWith(Path.DirectorySeparatorChar) ? runDirectory : runDirectory + Path.DirectorySeparatorChar;
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"artifact path '{name}' resolves to '{path}', outside the run's artifact folder '{runDirectory}'");
        }
    }

    // A symbolic link inside the run folder (or as the file itself) could send the write anywhere: follow each one,
    // from the run folder down, including links whose target does not exist yet (creating it would write outside).
    private static void EnsureNoEscapingLinks(string runDirectory, string destination, string name)
    {
        if (new FileInfo(destination).LinkTarget is not null)
        {
            throw new ArgumentException($"artifact path '{name}' is a symbolic link; artifacts are never written through links");
        }

        var relative = Path.GetRelativePath(runDirectory, Path.GetDirectoryName(destination)!);
        var directory = runDirectory;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Where(part => part != "."))
        {
            directory = Path.Combine(directory, part);
            var info = new DirectoryInfo(directory);
            if (info.LinkTarget is { } linkTarget)
            {
                var target = info.Exists ? info.ResolveLinkTarget(returnFinalTarget: true)!.FullName : Path.GetFullPath(linkTarget, Path.GetDirectoryName(directory)!);
                EnsureInside(runDirectory, Path.GetFullPath(target), name);
            }
            else if (!info.Exists)
            {
                // Nothing below a folder that does not exist can be a link yet.
                return;
            }
        }
    }
}
