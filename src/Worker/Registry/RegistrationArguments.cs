using System.Globalization;

namespace HyperQueue.Worker.Registry;

/// <summary>Argument rules shared by both registries, so they refuse the same input the same way.</summary>
internal static class RegistrationArguments
{
    public static void Registration(WorkerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        WorkerId(registration.WorkerId);
        if (string.IsNullOrWhiteSpace(registration.Host))
        {
            throw new ArgumentException(
                $"worker '{registration.WorkerId}': host ('{registration.Host}') must not be empty", nameof(registration));
        }

        if (registration.Slots < 1)
        {
            throw new ArgumentException(
                $"worker '{registration.WorkerId}': slots ({registration.Slots}) must be at least 1", nameof(registration));
        }

        if (registration.Objectives is null || registration.Objectives.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException(
                $"worker '{registration.WorkerId}': objectives must be a list of non-empty names", nameof(registration));
        }
    }

    public static void WorkerId(string workerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workerId);
    }

    /// <summary>The time to live in whole milliseconds (rounded up, so a positive value never becomes zero).</summary>
    public static long TimeToLiveMilliseconds(TimeSpan timeToLive)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeToLive),
                timeToLive,
                $"timeToLive ({timeToLive.ToString("c", CultureInfo.InvariantCulture)}) must be positive");
        }

        return (long)Math.Ceiling(timeToLive.TotalMilliseconds);
    }
}
