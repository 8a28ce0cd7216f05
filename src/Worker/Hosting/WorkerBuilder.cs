using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace HyperQueue.Worker.Hosting;

/// <summary>
/// Registers the objectives a worker serves, given to <c>AddHyperQueueWorker(w =&gt; ...)</c>. Each name becomes
/// the durable queue <c>hq.evaluate.&lt;name&gt;</c>; an experiment names the objective, never the code or command.
/// </summary>
public sealed class WorkerBuilder
{
    private readonly ObjectiveRegistry registry;

    internal WorkerBuilder(IServiceCollection services, ObjectiveRegistry registry)
    {
        Services = services;
        this.registry = registry;
    }

    /// <summary>The service collection, for objectives' own dependencies.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Serves <typeparamref name="T"/> under <paramref name="name"/>; it is created from the container for each trial.</summary>
    public WorkerBuilder AddObjective<T>(string name)
        where T : class, IObjective
    {
        registry.Add(name, services => services.GetRequiredService<T>());
        Services.TryAddTransient<T>();
        return this;
    }

    /// <summary>Serves a function under <paramref name="name"/>, like hyperopt's <c>fmin(fn=...)</c>.</summary>
    /// <param name="name">The objective's name, which experiments give.</param>
    /// <param name="evaluate">The objective.</param>
    /// <param name="startsQuickly">
    /// True when <paramref name="evaluate"/> returns its task quickly (see <see cref="IObjective.StartsQuickly"/>);
    /// leave it false for a function that computes before its first await.
    /// </param>
    public WorkerBuilder AddObjective(
        string name, Func<ObjectiveContext, CancellationToken, Task<ObjectiveResult>> evaluate, bool startsQuickly = false)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        registry.Add(name, _ => new DelegateObjective(evaluate, startsQuickly));
        return this;
    }

    /// <summary>Serves a program (any language) under <paramref name="name"/>; see <see cref="CommandObjectiveDefinition"/>.</summary>
    public WorkerBuilder AddCommandObjective(string name, CommandObjectiveDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate(name);
        registry.Add(name, services => new CommandObjective(
            name,
            definition,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<CommandObjective>>()));
        return this;
    }

    /// <summary>Serves every command objective of a worker objectives file (see <see cref="WorkerObjectivesFile"/>).</summary>
    public WorkerBuilder AddCommandObjectives(IReadOnlyDictionary<string, CommandObjectiveDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        foreach (var (name, definition) in definitions)
        {
            AddCommandObjective(name, definition);
        }

        return this;
    }

    /// <summary>Sets <see cref="WorkerOptions"/> in code (applied after the configuration section).</summary>
    public WorkerBuilder Configure(Action<WorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }
}
