using System.Text.Json;

namespace HyperQueue.Contracts.Tests;

public sealed class TrialCompletedTests
{
    [Theory]
    [InlineData(TrialStatus.Ok, "ok")]
    [InlineData(TrialStatus.Fail, "fail")]
    [InlineData(TrialStatus.Cancelled, "cancelled")]
    public void Serialize_Status_UsesHyperoptStatusNames(TrialStatus status, string expected)
    {
        var json = JsonSerializer.Serialize(status);

        Assert.Equal($"\"{expected}\"", json);
        Assert.Equal(status, JsonSerializer.Deserialize<TrialStatus>(json));
    }

    [Fact]
    public void RoundTrip_FailedTrialWithError_KeepsEveryField()
    {
        var completed = new TrialCompleted
        {
            ExperimentId = Guid.NewGuid(),
            TrialId = Guid.NewGuid(),
            Status = TrialStatus.Fail,
            Error = new TrialError("System.InvalidOperationException", "bad \"value\""),
            Duration = TimeSpan.FromMilliseconds(1234.5),
            WorkerId = "worker-1",
            Attempt = 2,
        };

        var back = JsonSerializer.Deserialize<TrialCompleted>(JsonSerializer.Serialize(completed));

        Assert.Equal(completed, back);
    }
}
