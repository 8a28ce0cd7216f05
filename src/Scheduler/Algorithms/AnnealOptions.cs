namespace HyperQueue.Scheduler.Algorithms;

/// <summary>Settings of simulated annealing, hyperopt's <c>anneal.suggest</c> keyword arguments (same defaults).</summary>
public sealed record AnnealOptions
{
    /// <summary>Mean rank of the trial a new point starts from, geometric over the ranked trials (<c>avg_best_idx</c>, 2).</summary>
    public double AverageBestIndex { get; init; } = 2.0;

    /// <summary>The neighbourhood shrinks as 1 / (1 + T * coefficient) after T observations (<c>shrink_coef</c>, 0.1).</summary>
    public double ShrinkCoefficient { get; init; } = 0.1;

    internal void Validate()
    {
        if (!(AverageBestIndex >= 1) || double.IsInfinity(AverageBestIndex))
        {
            throw new ArgumentException($"anneal: AverageBestIndex ({AverageBestIndex}) must be a finite number of at least 1", nameof(AverageBestIndex));
        }

        if (!(ShrinkCoefficient >= 0) || double.IsInfinity(ShrinkCoefficient))
        {
            throw new ArgumentException($"anneal: ShrinkCoefficient ({ShrinkCoefficient}) must be a finite number of at least 0", nameof(ShrinkCoefficient));
        }
    }
}
