using HyperQueue.Worker.Hosting;

namespace HyperQueue.Scheduler.Objectives;

/// <summary>Registers <see cref="BuiltInObjectives"/> on a worker (embedded <c>hq tune</c> and <c>hq worker</c>).</summary>
internal static class BuiltInObjectivesRegistration
{
    public static WorkerBuilder AddBuiltInObjectives(this WorkerBuilder worker)
    {
        foreach (var (name, objective) in BuiltInObjectives.All)
        {
            // Each computes for microseconds or only awaits a timer: none needs a thread of its own.
            worker.AddObjective(name, objective, startsQuickly: true);
        }

        return worker;
    }
}
