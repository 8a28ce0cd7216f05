namespace HyperQueue.Scheduler.Algorithms;

/// <summary>Rejects a malformed request at the algorithm boundary with the field, the value and the rule.</summary>
internal static class SuggestionRequestGuard
{
    public static void Validate(SuggestionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Space, nameof(request.Space));
        ArgumentNullException.ThrowIfNull(request.History, nameof(request.History));
        ArgumentNullException.ThrowIfNull(request.Pending, nameof(request.Pending));
        if (request.Count < 0)
        {
            throw new ArgumentException($"suggest: Count ({request.Count}) must not be negative", nameof(request));
        }

        if (request.FirstTrialNumber < 0)
        {
            throw new ArgumentException($"suggest: FirstTrialNumber ({request.FirstTrialNumber}) must not be negative", nameof(request));
        }
    }
}
