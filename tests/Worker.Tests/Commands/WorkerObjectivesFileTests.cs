using HyperQueue.Worker.Commands;

namespace HyperQueue.Worker.Tests.Commands;

public sealed class WorkerObjectivesFileTests
{
    [Fact]
    public void Parse_CompleteFile_GivesEveryDefinition()
    {
        var objectives = WorkerObjectivesFile.Parse("""
            {
              "train": {"command": ["python3", "train.py", "--fast"], "workingDirectory": "/srv/model", "timeoutSeconds": 3600, "env": {"OMP_NUM_THREADS": "1"}},
              "quick": {"command": ["./quick"]}
            }
            """);

        Assert.Equal(["quick", "train"], objectives.Keys.Order(StringComparer.Ordinal));
        var train = objectives["train"];
        Assert.Equal(["python3", "train.py", "--fast"], train.Command);
        Assert.Equal("/srv/model", train.WorkingDirectory);
        Assert.Equal(TimeSpan.FromHours(1), train.Timeout);
        Assert.Equal("1", train.Environment!["OMP_NUM_THREADS"]);
        Assert.Null(objectives["quick"].Timeout);
        Assert.Null(objectives["quick"].WorkingDirectory);
    }

    [Theory]
    [InlineData("[]", "$: must be an object from objective name to definition, and it is an array of 0")]
    [InlineData("""{"train": []}""", "$.train: must be an object with a 'command' array, and it is an array of 0")]
    [InlineData("""{"train": {}}""", "$.train.command: is required")]
    [InlineData("""{"train": {"command": []}}""", "$.train.command: must be a non-empty array of strings")]
    [InlineData("""{"train": {"command": ["python3", 7]}}""", "$.train.command[1]: must be a string, and it is the number 7")]
    [InlineData("""{"train": {"command": [""]}}""", "$.train.command[0]: must name the program to run")]
    [InlineData("""{"train": {"command": ["x"], "timeoutSeconds": 0}}""", "$.train.timeoutSeconds: must be a number of seconds from 0.001 to 4294967 (49.7 days), and it is the number 0")]
    [InlineData("""{"train": {"command": ["x"], "timeoutSeconds": 1e-300}}""", "$.train.timeoutSeconds: must be a number of seconds from 0.001 to 4294967 (49.7 days), and it is the number 1e-300")]
    [InlineData("""{"train": {"command": ["x"], "timeoutSeconds": 4294968}}""", "$.train.timeoutSeconds: must be a number of seconds from 0.001 to 4294967 (49.7 days), and it is the number 4294968")]
    [InlineData("""{"train": {"command": ["x"], "timeoutSeconds": 1e300}}""", "$.train.timeoutSeconds: must be a number of seconds from 0.001 to 4294967 (49.7 days), and it is the number 1e300")]
    [InlineData("""{"train": {"command": ["x"], "timeoutSeconds": "60"}}""", "$.train.timeoutSeconds: must be a number of seconds from 0.001 to 4294967 (49.7 days), and it is the string \"60\"")]
    [InlineData("""{"train": {"command": ["x", "a\ud800"]}}""", "$.train.command[1]: must be valid Unicode text (lone surrogate \\ud800)")]
    [InlineData("""{"train": {"command": ["x"], "env": {"A": "\udc00"}}}""", "$.train.env.A: must be valid Unicode text (lone surrogate \\udc00)")]
    [InlineData("""{"tr\ud800ain": {"command": ["x"]}}""", "$.tr\\ud800ain: the member name must be valid Unicode text (lone surrogate \\ud800)")]
    [InlineData("""{"train": {"command": ["x"], "env": {"A": 1}}}""", "$.train.env.A: must be a string, and it is the number 1")]
    [InlineData("""{"train": {"command": ["x"], "env": {"HQ_TRIAL_ID": "1"}}}""", "$.train.env.HQ_TRIAL_ID: HQ_* variables are set by the worker")]
    [InlineData("""{"train": {"command": ["x"], "shell": true}}""", "$.train.shell: unknown field; expected command, workingDirectory, timeoutSeconds or env")]
    [InlineData("""{"bad name": {"command": ["x"]}}""", "$.bad name: objective name 'bad name' must be 1 to 200 characters")]
    [InlineData("""{"train": {"command": ["x"]}, "train": {"command": ["y"]}}""", "$.train: objective 'train' is defined twice")]
    [InlineData("""{"train": """, "$: not valid JSON")]
    public void Parse_InvalidFile_ThrowsNamingTheJsonPathAndRule(string json, string messageStart)
    {
        var exception = Assert.Throws<ObjectivesFileException>(() => WorkerObjectivesFile.Parse(json));

        Assert.StartsWith(messageStart, exception.Message, StringComparison.Ordinal);
        Assert.Equal(messageStart[..messageStart.IndexOf(':', StringComparison.Ordinal)], exception.JsonPath);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_ThrowsNamingTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hq-missing-{Guid.NewGuid():N}.json");

        var exception = await Assert.ThrowsAsync<ObjectivesFileException>(() => WorkerObjectivesFile.LoadAsync(path, TestContext.Current.CancellationToken));

        Assert.Contains($"cannot read objectives file '{path}'", exception.Message, StringComparison.Ordinal);
    }
}
