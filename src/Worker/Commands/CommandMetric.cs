namespace HyperQueue.Worker.Commands;

/// <summary>One <c>{"metric": key, "value": value, "step": step}</c> line printed by a command objective.</summary>
internal sealed record CommandMetric(string Key, double Value, long Step);
