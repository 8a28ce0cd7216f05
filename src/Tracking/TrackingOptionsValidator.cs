using HyperQueue.Tracking.Stores;
using Microsoft.Extensions.Options;

namespace HyperQueue.Tracking;

/// <summary>Checks <see cref="TrackingOptions"/> at start so a bad URI fails the host, not the first trial.</summary>
internal sealed class TrackingOptionsValidator : IValidateOptions<TrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Uri))
        {
            failures.Add($"{TrackingOptions.SectionName}:Uri is '{options.Uri}'; it must be a tracking URI ({TrackingUri.AcceptedForms})");
        }
        else
        {
            try
            {
                TrackingUri.Parse(options.Uri);
            }
            catch (Exception exception) when (exception is FormatException or NotSupportedException)
            {
                failures.Add($"{TrackingOptions.SectionName}:Uri: {exception.Message}");
            }
        }

        if (options.ArtifactRoot is not null
            && (string.IsNullOrWhiteSpace(options.ArtifactRoot) || options.ArtifactRoot.IndexOfAny(Path.GetInvalidPathChars()) >= 0))
        {
            failures.Add(
                $"{TrackingOptions.SectionName}:ArtifactRoot is '{options.ArtifactRoot}'; it must be a folder path (or unset for the default)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
