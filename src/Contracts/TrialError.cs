namespace HyperQueue.Contracts;

/// <summary>Why a trial failed: the exception type (or a reason code) and its message.</summary>
public sealed record TrialError(string Type, string Message);
