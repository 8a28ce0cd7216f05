namespace HyperQueue.Scheduler.Spaces;

/// <summary>"The choice labelled <see cref="ChoiceLabel"/> picked option <see cref="Option"/>": one step of a path to a node.</summary>
internal readonly record struct ChoiceCondition(string ChoiceLabel, int Option);
