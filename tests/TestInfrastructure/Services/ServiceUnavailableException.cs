namespace HyperQueue.TestInfrastructure.Services;

/// <summary>The service cannot be had on this machine (not installed, no Docker engine, no environment variable).</summary>
public sealed class ServiceUnavailableException(string message) : Exception(message);
