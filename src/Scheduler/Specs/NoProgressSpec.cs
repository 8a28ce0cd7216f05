namespace HyperQueue.Scheduler.Specs;

/// <summary>Hyperopt's <c>no_progress_loss(iteration_stop_count, percent_increase)</c> early stop.</summary>
public sealed record NoProgressSpec(int Trials, double Percent);
