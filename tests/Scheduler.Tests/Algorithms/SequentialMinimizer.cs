using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Algorithms;

/// <summary>fmin in miniature for the convergence tests: one suggestion at a time, the loss recorded at once.</summary>
internal static class SequentialMinimizer
{
    public static List<TrialObservation> Run(
        ISearchAlgorithm algorithm, SearchSpace space, Func<IReadOnlyDictionary<string, double?>, double> loss, int evals, long seed)
    {
        var history = new List<TrialObservation>(evals);
        for (var trial = 0; trial < evals; trial++)
        {
            var point = algorithm.Suggest(new SuggestionRequest(space, history, [], 1, trial, seed))[0];
            history.Add(new TrialObservation(point, loss(point), TrialStatus.Ok));
        }

        return history;
    }

    public static double Best(IEnumerable<TrialObservation> history) => history.Min(trial => trial.Loss!.Value);
}
