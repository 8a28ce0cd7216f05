namespace HyperQueue.Scheduler.Optimization;

/// <summary>Why <see cref="FMin"/> stopped starting trials.</summary>
public enum StopReason
{
    /// <summary>The trials store holds <c>maxEvals</c> trials (hyperopt's <c>max_evals</c>).</summary>
    MaxEvals,

    /// <summary>The <c>timeout</c> passed: no trial started after it and running ones were cancelled.</summary>
    Timeout,

    /// <summary>The best loss reached <c>lossThreshold</c> (hyperopt's <c>loss_threshold</c>).</summary>
    LossThreshold,

    /// <summary>The early stop function said stop (hyperopt's <c>early_stop_fn</c>).</summary>
    EarlyStop,
}
