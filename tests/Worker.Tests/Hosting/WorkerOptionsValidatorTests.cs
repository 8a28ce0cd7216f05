using HyperQueue.Worker.Hosting;

namespace HyperQueue.Worker.Tests.Hosting;

public sealed class WorkerOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var result = new WorkerOptionsValidator().Validate(null, new WorkerOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("slots", "HyperQueue:Worker:Slots (0) must be at least 1")]
    [InlineData("id", "HyperQueue:Worker:WorkerId (' ') must be 1 to 200 printable characters")]
    [InlineData("lease", "HyperQueue:Worker:LeaseDuration (00:00:00.5000000) must be at least 1 second")]
    [InlineData("heartbeat", "HyperQueue:Worker:HeartbeatInterval (00:00:30) must be positive and less than LeaseDuration (00:00:30), or leases lapse between heartbeats")]
    [InlineData("notice", "HyperQueue:Worker:StartedNoticeDelay (-00:00:01) must be zero or more")]
    public void Validate_BrokenRule_FailsNamingKeyValueAndRule(string broken, string message)
    {
        var options = new WorkerOptions();
        switch (broken)
        {
            case "slots":
                options.Slots = 0;
                break;
            case "id":
                options.WorkerId = " ";
                break;
            case "lease":
                options.LeaseDuration = TimeSpan.FromMilliseconds(500);
                options.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
                break;
            case "notice":
                options.StartedNoticeDelay = TimeSpan.FromSeconds(-1);
                break;
            default:
                options.HeartbeatInterval = options.LeaseDuration;
                break;
        }

        var result = new WorkerOptionsValidator().Validate(null, options);

        Assert.Equal([message], result.Failures);
    }
}
