using System.Collections.Concurrent;

namespace HyperQueue.Worker.Objectives;

/// <summary>The objectives this worker serves, by name; each name gets its own evaluate queue.</summary>
internal sealed class ObjectiveRegistry
{
    private readonly ConcurrentDictionary<string, Func<IServiceProvider, IObjective>> factories = new(StringComparer.Ordinal);

    /// <summary>The registered names, sorted, as the registry and error messages show them.</summary>
    public IReadOnlyList<string> Names => [.. factories.Keys.Order(StringComparer.Ordinal)];

    public void Add(string name, Func<IServiceProvider, IObjective> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (!ObjectiveNames.IsValid(name))
        {
            throw new ArgumentException($"objective name '{name}' {ObjectiveNames.Rule}", nameof(name));
        }

        if (!factories.TryAdd(name, factory))
        {
            throw new ArgumentException($"objective '{name}' is already registered on this worker", nameof(name));
        }
    }

    /// <summary>Creates the objective from the message's service scope; false when no objective has that name.</summary>
    public bool TryCreate(string name, IServiceProvider services, out IObjective? objective)
    {
        objective = factories.TryGetValue(name, out var factory) ? factory(services) : null;
        return objective is not null;
    }
}
