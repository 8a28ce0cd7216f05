using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// hyperopt's tpe.suggest: split the trials into a good and a bad set by loss, fit one density per parameter on each
/// (only on the trials where the parameter was active), draw candidates from the good density and keep, per
/// parameter, the one with the largest log l(x) - log g(x).
/// </summary>
internal sealed class TreeParzenEstimator : ISearchAlgorithm
{
    private readonly TpeOptions options;

    public TreeParzenEstimator(TpeOptions options, string name)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        this.options = options;
        Name = name;
    }

    public string Name { get; }

    public IReadOnlyList<IReadOnlyDictionary<string, double?>> Suggest(SuggestionRequest request)
    {
        SuggestionRequestGuard.Validate(request);
        var observations = ObservationTable.From(request, options.ConstantLiar);
        var startupCount = observations.Count + (options.ConstantLiar ? 0 : request.Pending.Count);
        var points = new List<IReadOnlyDictionary<string, double?>>(request.Count);
        for (var k = 0; k < request.Count; k++)
        {
            var random = SeedSequence.ForTrial(request.Seed, request.FirstTrialNumber + k);
            var point = startupCount + k < options.StartupTrials || observations.OkCount == 0
                ? request.Space.SamplePrior(random)
                : SuggestOne(request.Space, observations, random);
            points.Add(point);
            if (options.ConstantLiar)
            {
                observations.AddWorst(point);
            }
        }

        return points;
    }

    private Dictionary<string, double?> SuggestOne(SearchSpace space, ObservationTable observations, Random random)
    {
        var (below, above) = Split(observations);
        var assignment = new Dictionary<string, double?>(space.Parameters.Count);
        foreach (var parameter in space.Parameters)
        {
            // Every parameter is proposed (so the random stream does not depend on the branch taken), then
            // nulled when the choices above it leave it inactive.
            var proposal = ParameterModel.IsCategorical(parameter)
                ? ProposeCategory(parameter, observations, below, above, random)
                : ProposeNumber(parameter, observations, below, above, random);
            assignment[parameter.Label] = null;
            if (space.IsActive(parameter, assignment))
            {
                assignment[parameter.Label] = proposal;
            }
        }

        return assignment;
    }

    /// <summary>hyperopt's ap_split_trials: the n_below best trials are good, the rest bad; both kept in trial order.</summary>
    private (int[] Below, int[] Above) Split(ObservationTable observations)
    {
        var n = observations.Count;
        var scaled = options.Split == TpeSplit.SquareRoot ? options.Gamma * Math.Sqrt(n) : options.Gamma * n;
        var belowCount = Math.Min((int)Math.Ceiling(scaled), options.ForgettingThreshold);
        belowCount = Math.Clamp(belowCount, 1, observations.OkCount);

        var ranked = observations.RankByLoss();
        var below = ranked[..belowCount];
        var above = ranked[belowCount..];
        Array.Sort(below);
        Array.Sort(above);
        return (below, above);
    }

    private double ProposeNumber(Hyperparameter parameter, ObservationTable observations, int[] below, int[] above, Random random)
    {
        var domain = ParameterModel.NumericDomainOf(parameter);
        var good = ParzenEstimator.Fit(ActiveModelValues(parameter.Label, domain, observations, below), domain, options.PriorWeight, options.ForgettingThreshold);
        var bad = ParzenEstimator.Fit(ActiveModelValues(parameter.Label, domain, observations, above), domain, options.PriorWeight, options.ForgettingThreshold);

        var best = double.NaN;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < options.Candidates; c++)
        {
            var candidate = good.Sample(random);
            var score = good.LogDensity(candidate) - bad.LogDensity(candidate);
            if (double.IsNaN(best) || score > bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }

        return best;
    }

    private double ProposeCategory(Hyperparameter parameter, ObservationTable observations, int[] below, int[] above, Random random)
    {
        var pseudoCounts = ParameterModel.PriorProbabilities(parameter);
        // hyperopt adds prior_weight * p for pchoice but prior_weight per option for choice and randint.
        var scale = parameter.Kind == DistributionKind.PChoice ? options.PriorWeight : options.PriorWeight * pseudoCounts.Length;
        for (var i = 0; i < pseudoCounts.Length; i++)
        {
            pseudoCounts[i] *= scale;
        }

        var good = CategoricalPosterior.Fit(ActiveCategories(parameter, observations, below), pseudoCounts, options.ForgettingThreshold);
        var bad = CategoricalPosterior.Fit(ActiveCategories(parameter, observations, above), pseudoCounts, options.ForgettingThreshold);

        var best = -1;
        var bestScore = double.NegativeInfinity;
        for (var c = 0; c < options.Candidates; c++)
        {
            var candidate = good.Sample(random);
            var score = good.LogProbability(candidate) - bad.LogProbability(candidate);
            if (best < 0 || score > bestScore)
            {
                best = candidate;
                bestScore = score;
            }
        }

        return ParameterModel.FromCategory(parameter, best);
    }

    private static double[] ActiveModelValues(string label, NumericDomain domain, ObservationTable observations, int[] trials)
    {
        var values = new List<double>(trials.Length);
        foreach (var trial in trials)
        {
            if (ObservationTable.ValueOf(observations.Values[trial], label) is { } value)
            {
                values.Add(domain.ToModel(value));
            }
        }

        return [.. values];
    }

    private static int[] ActiveCategories(Hyperparameter parameter, ObservationTable observations, int[] trials)
    {
        var count = ParameterModel.CategoryCount(parameter);
        var categories = new List<int>(trials.Length);
        foreach (var trial in trials)
        {
            if (ObservationTable.ValueOf(observations.Values[trial], parameter.Label) is { } value)
            {
                var category = ParameterModel.ToCategory(parameter, value);
                if (category >= 0 && category < count)
                {
                    categories.Add(category);
                }
            }
        }

        return [.. categories];
    }
}
