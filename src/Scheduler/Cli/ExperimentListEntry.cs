using HyperQueue.Tracking.Experiments;
using HyperQueue.Tracking.Export;

namespace HyperQueue.Scheduler.Cli;

/// <summary>One line of <c>hq experiments list</c>: an experiment and its trial counts and best trial.</summary>
internal sealed record ExperimentListEntry(Experiment Experiment, ExperimentSummary Summary);
