namespace HyperQueue.Scheduler.Algorithms;

/// <summary>
/// Settings of the Tree-structured Parzen Estimator, hyperopt's <c>tpe.suggest</c> keyword arguments plus the choices
/// HyperQueue's stronger default makes. <see cref="Hyperopt"/> reproduces hyperopt 0.2.7; <see cref="Default"/> is
/// the configuration chosen by the quality benchmark (docs/benchmarks.md).
/// </summary>
public sealed record TpeOptions
{
    /// <summary>Trials drawn from the prior before the model is used (hyperopt's <c>n_startup_jobs</c>, 20).</summary>
    public int StartupTrials { get; init; } = 20;

    /// <summary>Candidates drawn from the good density per suggestion; the best l(x)/g(x) wins (<c>n_EI_candidates</c>, 24).</summary>
    public int Candidates { get; init; } = 24;

    /// <summary>Fraction of the trials that form the good density (hyperopt's <c>gamma</c>, 0.25).</summary>
    public double Gamma { get; init; } = 0.25;

    /// <summary>How the number of good trials grows with the number of trials N.</summary>
    public TpeSplit Split { get; init; } = TpeSplit.SquareRoot;

    /// <summary>Weight of the prior kernel in both densities (<c>prior_weight</c>, 1).</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>
    /// hyperopt's linear forgetting <c>LF</c> (25): caps the good set and makes observations older than the newest
    /// 25 weigh less.
    /// </summary>
    public int ForgettingThreshold { get; init; } = 25;

    /// <summary>
    /// Model all parameters jointly, like Optuna's <c>TPESampler(multivariate=True)</c>: one kernel per good trial over
    /// every parameter, so candidates keep the good trials' correlations. Conditional spaces are decomposed as with
    /// Optuna's <c>group=True</c>: parameters active in the same trials form a group with its own joint kernel, fitted
    /// on the trials where the group was active.
    /// </summary>
    public bool Multivariate { get; init; }

    /// <summary>
    /// Multivariate kernel bandwidth, as a fraction of the range before the n^(-1/(d+4)) shrink (Optuna: 0.2). Internal:
    /// a knob the quality benchmark tunes, not a user setting.
    /// </summary>
    internal double BandwidthFactor { get; init; } = 0.2;

    /// <summary>
    /// Multivariate kernels take, per parameter, hyperopt's adaptive bandwidth (the larger gap to the sorted
    /// neighbours on the same side) instead of one Scott-like bandwidth. On in <see cref="Default"/>; internal so the
    /// quality benchmark can measure the Scott-like kernel beside it.
    /// </summary>
    internal bool AdaptiveJointBandwidth { get; init; }

    /// <summary>
    /// With <see cref="AdaptiveJointBandwidth"/> and points in flight (pending, or suggested earlier in the same call), no
    /// kernel narrower than this fraction of the Scott-like bandwidth: without it the narrow kernels put a whole batch
    /// next to one good trial, where the constant liar's equally narrow bad kernels cannot push it apart.
    /// </summary>
    internal double InFlightBandwidthFloor { get; init; }

    /// <summary>Pending (in-flight) points count as the worst observations, so parallel suggestions spread out.</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>hyperopt 0.2.7's tpe.suggest defaults, exactly.</summary>
    public static TpeOptions Hyperopt { get; } = new();

    /// <summary>
    /// HyperQueue's default, chosen on the quality benchmark (docs/benchmarks.md): the joint (multivariate) kernels of
    /// Optuna's <c>multivariate=True, group=True</c>, each kernel with hyperopt's adaptive per-parameter bandwidth
    /// (the gap to its neighbours) instead of Optuna's one Scott-like bandwidth, a linear split with gamma 0.2 (more
    /// good trials than hyperopt's square root, as Optuna does), 5 start-up trials and prior weight 1.
    /// </summary>
    public static TpeOptions Default { get; } = new()
    {
        StartupTrials = 5,
        Gamma = 0.2,
        Split = TpeSplit.Linear,
        PriorWeight = 1.0,
        Multivariate = true,
        AdaptiveJointBandwidth = true,
        InFlightBandwidthFloor = 0.5,
    };

    internal void Validate()
    {
        if (StartupTrials < 0)
        {
            throw new ArgumentException($"tpe: StartupTrials ({StartupTrials}) must not be negative", nameof(StartupTrials));
        }

        if (Candidates < 1)
        {
            throw new ArgumentException($"tpe: Candidates ({Candidates}) must be at least 1", nameof(Candidates));
        }

        if (!(Gamma > 0 && Gamma <= 1))
        {
            throw new ArgumentException($"tpe: Gamma ({Gamma}) must be in (0, 1]", nameof(Gamma));
        }

        if (!(PriorWeight > 0) || double.IsInfinity(PriorWeight))
        {
            throw new ArgumentException($"tpe: PriorWeight ({PriorWeight}) must be a positive finite number", nameof(PriorWeight));
        }

        if (ForgettingThreshold < 1)
        {
            throw new ArgumentException($"tpe: ForgettingThreshold ({ForgettingThreshold}) must be at least 1", nameof(ForgettingThreshold));
        }
    }
}
