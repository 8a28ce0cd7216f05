namespace HyperQueue.Scheduler.Spaces;

/// <summary>The distribution of one hyperparameter, one member per hyperopt <c>hp.*</c> function.</summary>
public enum DistributionKind
{
    /// <summary>hyperopt's <c>hp.choice</c>: one of the options, uniformly.</summary>
    Choice,

    /// <summary>hyperopt's <c>hp.pchoice</c>: one of the options with the given probabilities.</summary>
    PChoice,

    /// <summary>hyperopt's <c>hp.uniform</c>: U(low, high).</summary>
    Uniform,

    /// <summary>hyperopt's <c>hp.quniform</c>: round(U(low, high) / q) * q.</summary>
    QUniform,

    /// <summary>hyperopt's <c>hp.loguniform</c>: exp(U(low, high)).</summary>
    LogUniform,

    /// <summary>hyperopt's <c>hp.qloguniform</c>: round(exp(U(low, high)) / q) * q.</summary>
    QLogUniform,

    /// <summary>hyperopt's <c>hp.normal</c>: N(mu, sigma).</summary>
    Normal,

    /// <summary>hyperopt's <c>hp.qnormal</c>: round(N(mu, sigma) / q) * q.</summary>
    QNormal,

    /// <summary>hyperopt's <c>hp.lognormal</c>: exp(N(mu, sigma)).</summary>
    LogNormal,

    /// <summary>hyperopt's <c>hp.qlognormal</c>: round(exp(N(mu, sigma)) / q) * q.</summary>
    QLogNormal,

    /// <summary>hyperopt's <c>hp.randint</c>: an integer in [low, high).</summary>
    RandInt,

    /// <summary>hyperopt's <c>hp.uniformint</c>: quniform with q = 1 delivered as an integer, in [low, high].</summary>
    UniformInt,
}
