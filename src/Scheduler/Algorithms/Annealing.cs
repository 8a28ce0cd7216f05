using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// hyperopt's anneal.suggest: start from a good trial (rank drawn from a geometric distribution) and sample each
/// parameter in a neighbourhood of that trial's value that shrinks as the parameter collects observations.
/// </summary>
internal sealed class Annealing : ISearchAlgorithm
{
    private readonly AnnealOptions options;

    public Annealing(AnnealOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
    }

    public string Name => "anneal";

    public IReadOnlyList<IReadOnlyDictionary<string, double?>> Suggest(SuggestionRequest request)
    {
        SuggestionRequestGuard.Validate(request);
        // Pending points have no loss to start from; their distinct per-trial seeds already spread them out.
        var observations = ObservationTable.From(request, includePending: false);
        var ranked = observations.RankByLoss()[..observations.OkCount];
        var points = new IReadOnlyDictionary<string, double?>[request.Count];
        for (var k = 0; k < request.Count; k++)
        {
            var random = SeedSequence.ForTrial(request.Seed, request.FirstTrialNumber + k);
            points[k] = ranked.Length == 0
                ? request.Space.SamplePrior(random)
                : SuggestOne(request.Space, observations, ranked, random);
        }

        return points;
    }

    private Dictionary<string, double?> SuggestOne(SearchSpace space, ObservationTable observations, int[] ranked, Random random)
    {
        var start = ranked[GeometricRank(random, ranked.Length)];
        var assignment = new Dictionary<string, double?>(space.Parameters.Count);
        foreach (var parameter in space.Parameters)
        {
            assignment[parameter.Label] = null;
            if (!space.IsActive(parameter, assignment))
            {
                continue;
            }

            var active = ranked.Where(trial => ObservationTable.ValueOf(observations.Values[trial], parameter.Label) is not null).ToArray();
            if (active.Length == 0)
            {
                assignment[parameter.Label] = parameter.Sample(random);
                continue;
            }

            // Keep the starting trial's value when it has one, so related parameters move together (hyperopt's best_tids).
            var origin = ObservationTable.ValueOf(observations.Values[start], parameter.Label)
                ?? ObservationTable.ValueOf(observations.Values[active[GeometricRank(random, active.Length)]], parameter.Label)!.Value;
            var shrinking = 1.0 / (1.0 + active.Length * options.ShrinkCoefficient);
            assignment[parameter.Label] = Perturb(parameter, origin, shrinking, random);
        }

        return assignment;
    }

    /// <summary>numpy's geometric(1 / avg_best_idx) - 1, clipped to the ranks that exist.</summary>
    private int GeometricRank(Random random, int count)
    {
        var success = 1.0 / options.AverageBestIndex;
        if (success >= 1.0)
        {
            return 0;
        }

        var failures = Math.Floor(Math.Log(1.0 - random.NextDouble()) / Math.Log(1.0 - success));
        return (int)Math.Min(failures, count - 1);
    }

    private static double Perturb(Hyperparameter parameter, double origin, double shrinking, Random random)
    {
        if (ParameterModel.IsCategorical(parameter))
        {
            // hyperopt's hp_categorical: (1 - shrink) on the origin's option plus shrink times the prior.
            var probabilities = ParameterModel.PriorProbabilities(parameter);
            var originCategory = ParameterModel.ToCategory(parameter, origin);
            var target = random.NextDouble();
            var cumulative = 0.0;
            for (var i = 0; i < probabilities.Length; i++)
            {
                cumulative += shrinking * probabilities[i] + (i == originCategory ? 1.0 - shrinking : 0.0);
                if (target < cumulative)
                {
                    return ParameterModel.FromCategory(parameter, i);
                }
            }

            return ParameterModel.FromCategory(parameter, probabilities.Length - 1);
        }

        var domain = ParameterModel.NumericDomainOf(parameter);
        var centre = domain.ToModel(origin);
        if (!domain.IsBounded)
        {
            // hp_normal / hp_lognormal: a normal around the origin with the prior's sigma shrunk.
            return domain.ToValue(centre + domain.PriorSigma * shrinking * Gaussian.SampleStandard(random));
        }

        // hp_uniform: a window of the shrunk width, slid back inside the bounds, centred on the origin.
        var half = 0.5 * (domain.High - domain.Low) * shrinking;
        var middle = Math.Clamp(centre, domain.Low + half, domain.High - half);
        return domain.ToValue(middle - half + 2 * half * random.NextDouble());
    }
}
