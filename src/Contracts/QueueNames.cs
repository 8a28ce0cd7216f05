namespace HyperQueue.Contracts;

/// <summary>
/// Queue names shared by schedulers and workers (DESIGN.md section 3): one durable evaluate queue per objective,
/// so different worker images serve different objectives, and one durable results queue per experiment.
/// </summary>
public static class QueueNames
{
    public static string Evaluate(string objective) => $"hq.evaluate.{objective}";

    public static string Results(Guid experimentId) => $"hq.results.{experimentId:N}";
}
