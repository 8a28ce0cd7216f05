using HyperQueue.Contracts;
using HyperQueue.Scheduler.Algorithms;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Tests.Algorithms;

public sealed class ParameterGroupsTests
{
    [Fact]
    public void Of_FlatSpace_OneGroupOfEveryParameter()
    {
        var space = TestSpaces.Branin();
        var columns = ObservationColumns.From(space, SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.BraninLoss, 10, seed: 1));

        var groups = ParameterGroups.Of(columns);

        Assert.Equal([["x1", "x2"]], Labels(space, groups));
    }

    [Fact]
    public void Of_NestedChoiceSpace_OneGroupPerBranch()
    {
        var space = TestSpaces.NestedChoices();
        var columns = ObservationColumns.From(space, SequentialMinimizer.Run(Algo.Rand(), space, TestSpaces.NestedChoicesLoss, 40, seed: 3));

        var groups = ParameterGroups.Of(columns);

        // 40 prior draws take every branch (each leaf has probability at least 1/4), so no two branches share a pattern.
        Assert.Equal(
            [["a", "inner"], ["b"], ["outer", "w"], ["x"], ["y"]],
            Labels(space, groups).Select(labels => labels.Order(StringComparer.Ordinal).ToArray()).OrderBy(labels => labels[0], StringComparer.Ordinal));
    }

    [Fact]
    public void Of_FailedAndPendingRows_CountTheirActivityToo()
    {
        var space = TestSpaces.NestedChoices();
        var inner = new Dictionary<string, double?> { ["w"] = 0, ["outer"] = 0, ["a"] = 0.5, ["inner"] = 1, ["x"] = null, ["y"] = 3, ["b"] = null };
        var other = new Dictionary<string, double?> { ["w"] = 0, ["outer"] = 1, ["a"] = null, ["inner"] = null, ["x"] = null, ["y"] = null, ["b"] = 0.2 };
        var columns = ObservationColumns.From(space, [new TrialObservation(inner, null, TrialStatus.Fail)]);
        columns.AddWorst(other);

        var groups = ParameterGroups.Of(columns);

        // x never active; a, inner and y active in the same (failed) row; b only in the pending row.
        Assert.Equal(
            [["a", "inner", "y"], ["b"], ["outer", "w"], ["x"]],
            Labels(space, groups).Select(labels => labels.Order(StringComparer.Ordinal).ToArray()).OrderBy(labels => labels[0], StringComparer.Ordinal));
    }

    private static string[][] Labels(SearchSpace space, int[][] groups) =>
        [.. groups.Select(group => group.Select(p => space.Parameters[p].Label).ToArray())];
}
