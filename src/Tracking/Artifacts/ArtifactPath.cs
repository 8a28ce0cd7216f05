namespace HyperQueue.Tracking.Artifacts;

/// <summary>Validates artifact names: relative, '/'-separated, no '..' and nothing that could leave the run's folder.</summary>
internal static class ArtifactPath
{
    /// <summary>Returns the name with '/' separators, or throws an <see cref="ArgumentException"/> naming the rule it breaks.</summary>
    public static string Normalize(string artifactPath)
    {
        ArgumentNullException.ThrowIfNull(artifactPath);
        const string Rule = "it must be a relative path like 'plots/loss.png', without '..', a drive or a leading '/'";
        if (artifactPath.Length == 0)
        {
            throw new ArgumentException($"artifact path '' is empty; {Rule}", nameof(artifactPath));
        }

        if (artifactPath.Any(char.IsControl))
        {
            throw new ArgumentException($"artifact path '{Escape(artifactPath)}' contains a control character; {Rule}", nameof(artifactPath));
        }

        var unified = artifactPath.Replace('\\', '/');
        if (unified.StartsWith('/') || Path.IsPathRooted(artifactPath) || (unified.Length >= 2 && unified[1] == ':'))
        {
            throw new ArgumentException($"artifact path '{artifactPath}' is absolute; {Rule}", nameof(artifactPath));
        }

        var segments = unified.Split('/');
        if (segments.Any(segment => segment == ".."))
        {
            throw new ArgumentException($"artifact path '{artifactPath}' contains '..'; {Rule}", nameof(artifactPath));
        }

        var kept = segments.Where(segment => segment.Length > 0 && segment != ".").ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException($"artifact path '{artifactPath}' names no file; {Rule}", nameof(artifactPath));
        }

        return string.Join('/', kept);
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(character => char.IsControl(character) ? $"\\u{(int)character:x4}" : character.ToString()));
}
