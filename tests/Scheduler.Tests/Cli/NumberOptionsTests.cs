using HyperQueue.Scheduler.Cli;

namespace HyperQueue.Scheduler.Tests.Cli;

public sealed class NumberOptionsTests
{
    [Theory]
    [InlineData("sample", "--count", "99999999999", "hq: --count: '99999999999' is not a whole number from -2147483648 to 2147483647")]
    [InlineData("sample", "--seed", "1.5", "hq: --seed: '1.5' is not a whole number from -2147483648 to 2147483647")]
    [InlineData("tune", "--max-evals", "ten", "hq: --max-evals: 'ten' is not a whole number from -2147483648 to 2147483647")]
    [InlineData("tune", "--seed", "99999999999999999999", "hq: --seed: '99999999999999999999' is not a whole number from -9223372036854775808 to 9223372036854775807")]
    [InlineData("tune", "--timeout", "NaN", "hq: --timeout: 'NaN' is not a finite number")]
    [InlineData("tune", "--timeout", "1e400", "hq: --timeout: '1e400' is not a finite number")]
    [InlineData("worker", "--slots", "four", "hq: --slots: 'four' is not a whole number from -2147483648 to 2147483647")]
    [InlineData("worker", "--slots", "0", "hq worker: --slots: 0 must be at least 1")]
    [InlineData("worker", "--slots", "-3", "hq worker: --slots: -3 must be at least 1")]
    public void Run_NumberFlagThatDoesNotParse_ExitsTwoNamingTheFlagTheValueAndTheRule(string command, string flag, string value, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] rest = command switch
        {
            "worker" => ["--broker", "amqp://guest:guest@127.0.0.1:1/", "--redis", "127.0.0.1:1"],
            "sample" when flag != "--count" => ["spec.json", "--count", "1"],
            _ => ["spec.json"],
        };

        var code = HqCommand.Run([command, .. rest, flag, value], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Equal("", stdout.ToString());
        Assert.Equal(expected, stderr.ToString().Split('\n')[0].TrimEnd());
    }
}
