using System.Buffers;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// hyperopt's tpe.suggest: split the trials into a good and a bad set by loss, fit one density per parameter on each
/// (only on the trials where the parameter was active), draw candidates from the good density and keep, per
/// parameter, the one with the largest log l(x) - log g(x). With <see cref="TpeOptions.Multivariate"/>, one joint density
/// per set and per group of parameters active together instead (Optuna's multivariate TPE with group=True). The observations
/// are cached across calls (<see cref="ObservationCache"/>), so calls are serialized per instance.
/// </summary>
internal sealed class TreeParzenEstimator : ISearchAlgorithm
{
    private readonly TpeOptions options;
    private readonly ObservationCache cache = new();
    private readonly Lock gate = new();

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
        lock (gate)
        {
            var observations = cache.For(request.Space, request.History);
            var startupCount = observations.Count + request.Pending.Count;
            if (options.ConstantLiar && (request.Pending.Count > 0 || request.Count > 1))
            {
                // The cached columns hold the history only; pending and just-suggested points go into a copy.
                observations = observations.Clone();
                foreach (var point in request.Pending)
                {
                    observations.AddWorst(point);
                }
            }

            var points = new List<IReadOnlyDictionary<string, double?>>(request.Count);
            for (var k = 0; k < request.Count; k++)
            {
                var random = SeedSequence.ForTrial(request.Seed, request.FirstTrialNumber + k);
                var point = startupCount + k < options.StartupTrials || observations.OkCount == 0
                    ? request.Space.SamplePrior(random)
                    : SuggestOne(request.Space, observations, random, inFlight: request.Pending.Count + k > 0);
                points.Add(point);
                if (options.ConstantLiar && k < request.Count - 1)
                {
                    observations.AddWorst(point);
                }
            }

            return points;
        }
    }

    private Dictionary<string, double?> SuggestOne(SearchSpace space, ObservationColumns observations, Random random, bool inFlight)
    {
        var isBelow = Split(observations);
        if (options.Multivariate)
        {
            return SuggestJointly(space, observations, isBelow, random, inFlight ? options.InFlightBandwidthFloor : 0.0);
        }

        var positions = new int[observations.Count];
        var assignment = new Dictionary<string, double?>(space.Parameters.Count);
        for (var p = 0; p < space.Parameters.Count; p++)
        {
            var parameter = space.Parameters[p];
            // Every parameter is proposed (so the random stream does not depend on the branch taken), then
            // nulled when the choices above it leave it inactive.
            var proposal = observations.DomainOf(p) is { } domain
                ? ProposeNumber(observations, p, domain, isBelow, positions, random)
                : ProposeCategory(parameter, observations.Categories(p), isBelow, random);
            assignment[parameter.Label] = null;
            if (space.IsActive(parameter, assignment))
            {
                assignment[parameter.Label] = proposal;
            }
        }

        return assignment;
    }

    private Dictionary<string, double?> SuggestJointly(
        SearchSpace space, ObservationColumns observations, bool[] isBelow, Random random, double bandwidthFloor)
    {
        var proposals = new double[space.Parameters.Count];
        var belowRows = new List<int>();
        var aboveRows = new List<int>(observations.Count);
        foreach (var group in ParameterGroups.Of(observations))
        {
            // Every group is proposed, active or not in the end, so the random stream does not depend on the branch taken.
            belowRows.Clear();
            aboveRows.Clear();
            for (var row = 0; row < observations.Count; row++)
            {
                if (observations.IsActive(group[0], row))
                {
                    (isBelow[row] ? belowRows : aboveRows).Add(row);
                }
            }

            var good = MultivariateParzenEstimator.Fit(observations, group, [.. belowRows], options, bandwidthFloor);
            var bad = MultivariateParzenEstimator.Fit(observations, group, [.. aboveRows], options, bandwidthFloor);
            double[]? best = null;
            var bestScore = double.NegativeInfinity;
            for (var c = 0; c < options.Candidates; c++)
            {
                var candidate = good.Sample(random);
                var score = good.LogDensity(candidate) - bad.LogDensity(candidate);
                if (best is null || score > bestScore)
                {
                    best = candidate;
                    bestScore = score;
                }
            }

            for (var j = 0; j < group.Length; j++)
            {
                proposals[group[j]] = best![j];
            }
        }

        var assignment = new Dictionary<string, double?>(space.Parameters.Count);
        for (var p = 0; p < space.Parameters.Count; p++)
        {
            var parameter = space.Parameters[p];
            // Parameters come after the choices they depend on, so the choices made so far decide whether this one is active.
            assignment[parameter.Label] = null;
            if (space.IsActive(parameter, assignment))
            {
                assignment[parameter.Label] = observations.DomainOf(p) is null
                    ? ParameterModel.FromCategory(parameter, (int)proposals[p])
                    : proposals[p];
            }
        }

        return assignment;
    }

    /// <summary>
    /// hyperopt's ap_split_trials: the n_below best rows (by loss, ties by row) are good, the rest bad. The good set
    /// is at most a few dozen rows, so it is selected in one pass instead of ranking the whole history.
    /// </summary>
    private bool[] Split(ObservationColumns observations)
    {
        var n = observations.Count;
        var scaled = options.Split == TpeSplit.SquareRoot ? options.Gamma * Math.Sqrt(n) : options.Gamma * n;
        var belowCount = Math.Min((int)Math.Ceiling(scaled), options.ForgettingThreshold);
        belowCount = Math.Clamp(belowCount, 1, observations.OkCount);

        var losses = observations.Losses;
        var best = new int[belowCount];
        var size = 0;
        for (var row = 0; row < n; row++)
        {
            var loss = losses[row];
            if (size == belowCount && !(loss < losses[best[size - 1]]))
            {
                continue;
            }

            // Rows arrive in ascending order, so an equal loss goes after the rows already kept.
            var position = size;
            while (position > 0 && losses[best[position - 1]] > loss)
            {
                position--;
            }

            var kept = Math.Min(size, belowCount - 1);
            Array.Copy(best, position, best, position + 1, kept - position);
            best[position] = row;
            size = kept + 1;
        }

        var isBelow = new bool[n];
        foreach (var row in best)
        {
            isBelow[row] = true;
        }

        return isBelow;
    }

    private double ProposeNumber(
        ObservationColumns observations, int parameter, NumericDomain domain, bool[] isBelow, int[] positions, Random random)
    {
        // Each active row's position in trial order within its side: the forgetting weights depend on it.
        var numbers = observations.Numbers(parameter);
        int belowActive = 0, aboveActive = 0;
        for (var row = 0; row < numbers.Length; row++)
        {
            if (!double.IsNaN(numbers[row]))
            {
                positions[row] = isBelow[row] ? belowActive++ : aboveActive++;
            }
        }

        // Working buffers only: the mixtures copy what they keep.
        var buffer = ArrayPool<double>.Shared.Rent(2 * (belowActive + aboveActive));
        var belowValues = buffer.AsSpan(0, belowActive);
        var belowWeights = buffer.AsSpan(belowActive, belowActive);
        var aboveValues = buffer.AsSpan(2 * belowActive, aboveActive);
        var aboveWeights = buffer.AsSpan((2 * belowActive) + aboveActive, aboveActive);
        int b = 0, a = 0;
        foreach (var row in observations.SortedRows(parameter))
        {
            if (isBelow[row])
            {
                belowValues[b] = numbers[row];
                belowWeights[b++] = ParzenEstimator.ForgettingWeight(positions[row], belowActive, options.ForgettingThreshold);
            }
            else
            {
                aboveValues[a] = numbers[row];
                aboveWeights[a++] = ParzenEstimator.ForgettingWeight(positions[row], aboveActive, options.ForgettingThreshold);
            }
        }

        var good = ParzenEstimator.FitSorted(belowValues, belowWeights, domain, options.PriorWeight);
        var bad = ParzenEstimator.FitSorted(aboveValues, aboveWeights, domain, options.PriorWeight);
        ArrayPool<double>.Shared.Return(buffer);

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

    private double ProposeCategory(Hyperparameter parameter, ReadOnlySpan<int> categories, bool[] isBelow, Random random)
    {
        var pseudoCounts = ParameterModel.PriorProbabilities(parameter);
        // hyperopt adds prior_weight * p for pchoice but prior_weight per option for choice and randint.
        var scale = parameter.Kind == DistributionKind.PChoice ? options.PriorWeight : options.PriorWeight * pseudoCounts.Length;
        for (var i = 0; i < pseudoCounts.Length; i++)
        {
            pseudoCounts[i] *= scale;
        }

        int belowActive = 0, aboveActive = 0;
        for (var row = 0; row < categories.Length; row++)
        {
            if (categories[row] >= 0 && isBelow[row])
            {
                belowActive++;
            }
            else if (categories[row] >= 0)
            {
                aboveActive++;
            }
        }

        var belowCategories = new int[belowActive];
        var aboveCategories = new int[aboveActive];
        int b = 0, a = 0;
        for (var row = 0; row < categories.Length; row++)
        {
            if (categories[row] >= 0)
            {
                if (isBelow[row])
                {
                    belowCategories[b++] = categories[row];
                }
                else
                {
                    aboveCategories[a++] = categories[row];
                }
            }
        }

        var good = CategoricalPosterior.Fit(belowCategories, pseudoCounts, options.ForgettingThreshold);
        var bad = CategoricalPosterior.Fit(aboveCategories, pseudoCounts, options.ForgettingThreshold);

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
}
