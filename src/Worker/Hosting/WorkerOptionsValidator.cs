using System.Globalization;
using Microsoft.Extensions.Options;

namespace HyperQueue.Worker.Hosting;

/// <summary>Checks <see cref="WorkerOptions"/> at start; each failure names the key, the value and the rule.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    /// <summary>The registry and RabbitMQ queue names carry the worker id; keep it printable and short.</summary>
    private const int MaxWorkerIdLength = 200;

    public ValidateOptionsResult Validate(string? name, WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var prefix = WorkerOptions.SectionName + ":";
        if (string.IsNullOrWhiteSpace(options.WorkerId) || options.WorkerId.Length > MaxWorkerIdLength || options.WorkerId.Any(char.IsControl))
        {
            failures.Add($"{prefix}{nameof(WorkerOptions.WorkerId)} ('{options.WorkerId}') must be 1 to {MaxWorkerIdLength} printable characters");
        }

        if (options.Slots < 1)
        {
            failures.Add($"{prefix}{nameof(WorkerOptions.Slots)} ({options.Slots}) must be at least 1");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{prefix}{nameof(WorkerOptions.LeaseDuration)} ({Format(options.LeaseDuration)}) must be at least 1 second");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval >= options.LeaseDuration)
        {
            failures.Add($"{prefix}{nameof(WorkerOptions.HeartbeatInterval)} ({Format(options.HeartbeatInterval)}) must be positive and less than {nameof(WorkerOptions.LeaseDuration)} ({Format(options.LeaseDuration)}), or leases lapse between heartbeats");
        }

        if (options.StartedNoticeDelay < TimeSpan.Zero)
        {
            failures.Add($"{prefix}{nameof(WorkerOptions.StartedNoticeDelay)} ({Format(options.StartedNoticeDelay)}) must be zero or more");
        }

        if (options.TrackingUri is { Length: 0 })
        {
            failures.Add($"{prefix}{nameof(WorkerOptions.TrackingUri)} ('') must be null or a tracking URI");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
