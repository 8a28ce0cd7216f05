using HyperQueue.Tracking.Artifacts;
using HyperQueue.Tracking.Client;
using Microsoft.AspNetCore.Http;

namespace HyperQueue.Tracking.Service.Dashboard;

/// <summary>
/// Serves one artifact file of a run. Only a name the run's artifact listing holds is served, after the same name
/// rules as logging ('..', absolute paths refused), and only when the file, through any symbolic link, stays inside
/// the run's artifact folder: a download can never reach another file of the machine.
/// </summary>
internal static class ArtifactDownload
{
    public static async Task<IResult> DownloadAsync(string runId, string path, TrackingClient client, CancellationToken cancellationToken)
    {
        string name;
        try
        {
            name = ArtifactPath.Normalize(Uri.UnescapeDataString(path));
        }
        catch (ArgumentException exception)
        {
            return Results.Text(exception.Message, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        var run = await client.GetRunAsync(runId, cancellationToken);
        if (run is null)
        {
            return Results.Text($"run '{runId}' does not exist", "text/plain", statusCode: StatusCodes.Status404NotFound);
        }

        var listed = await client.ListArtifactsAsync(runId, cancellationToken);
        var runDirectory = Path.GetFullPath(run.Info.ArtifactUri);
        var file = Path.GetFullPath(Path.Combine(runDirectory, name));
        if (!listed.Contains(name, StringComparer.Ordinal) || !IsInside(runDirectory, file) || !LinksStayInside(runDirectory, file))
        {
            return Results.Text($"run '{runId}' has no artifact '{name}'", "text/plain", statusCode: StatusCodes.Status404NotFound);
        }

        return Results.File(file, "application/octet-stream", Path.GetFileName(name));
    }

    private static bool IsInside(string directory, string path)
    {
        var prefix = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, StringComparison.Ordinal);
    }

    private static bool LinksStayInside(string runDirectory, string file)
    {
        if (File.ResolveLinkTarget(file, returnFinalTarget: true) is { } target && !IsInside(runDirectory, Path.GetFullPath(target.FullName)))
        {
            return false;
        }

        for (var directory = Path.GetDirectoryName(file); directory is not null && directory.Length > runDirectory.Length; directory = Path.GetDirectoryName(directory))
        {
            if (Directory.ResolveLinkTarget(directory, returnFinalTarget: true) is { } linked && !IsInside(runDirectory, Path.GetFullPath(linked.FullName)))
            {
                return false;
            }
        }

        return true;
    }
}
