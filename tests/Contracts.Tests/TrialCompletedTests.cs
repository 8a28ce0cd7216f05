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

    [Fact]
    public void RoundTrip_InfiniteLoss_SerializesAndComesBackInfinite()
    {
        var completed = new TrialCompleted
        {
            ExperimentId = Guid.NewGuid(),
            TrialId = Guid.NewGuid(),
            Status = TrialStatus.Ok,
            Loss = double.PositiveInfinity,
            Duration = TimeSpan.FromSeconds(1),
            WorkerId = "w",
            Attempt = 1,
        };

        var json = JsonSerializer.Serialize(completed);
        var back = JsonSerializer.Deserialize<TrialCompleted>(json);

        Assert.Contains("\"Infinity\"", json, StringComparison.Ordinal);
        Assert.Equal(double.PositiveInfinity, back!.Loss);
    }
}
