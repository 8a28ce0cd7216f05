using HyperQueue.Tracking.Runs;
using HyperQueue.Tracking.Service;

namespace HyperQueue.Tracking.Tests.Service;

public sealed class RunFilterTests
{
    private static readonly RunSearch Search = new() { ExperimentId = "e1" };

    [Theory]
    [InlineData("tags.mlflow.parentRunId = 'abc'", "abc", null)]
    [InlineData("tags.`mlflow.parentRunId` = \"abc\"", "abc", null)]
    [InlineData("attributes.status = 'FINISHED'", null, RunStatus.Finished)]
    [InlineData("tags.mlflow.parentRunId='p1' and status = 'RUNNING'", "p1", RunStatus.Running)]
    [InlineData("  ", null, null)]
    public void Apply_SupportedFilter_SetsParentAndStatus(string filter, string? parent, RunStatus? status)
    {
        var search = RunFilter.Apply(Search, filter);

        Assert.Equal((parent, status), (search.ParentRunId, search.Status));
        Assert.Equal("e1", search.ExperimentId);
    }

    [Theory]
    [InlineData("metrics.loss < 0.5", "metrics.loss < 0.5")]
    [InlineData("tags.mlflow.parentRunId = 'a' AND params.lr = '0.1'", "params.lr = '0.1'")]
    public void Apply_UnsupportedClause_ThrowsNamingTheClause(string filter, string clause)
    {
        var exception = Assert.Throws<MlflowApiException>(() => RunFilter.Apply(Search, filter));

        Assert.Equal(MlflowErrorCode.InvalidParameterValue, exception.ErrorCode);
        Assert.Contains($"clause '{clause}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_UnknownStatus_ThrowsListingTheStatuses()
    {
        var exception = Assert.Throws<MlflowApiException>(() => RunFilter.Apply(Search, "status = 'DONE'"));

        Assert.Contains("'DONE'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("RUNNING, FINISHED, FAILED or KILLED", exception.Message, StringComparison.Ordinal);
    }
}
