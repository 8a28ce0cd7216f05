using System.Text.Json;
using HyperQueue.Scheduler.Cli;
using HyperQueue.Tracking.Client;

namespace HyperQueue.Scheduler.Tests.BadInput;

/// <summary>
/// <c>hq tune</c> with a command objective that prints a different kind of garbage for each point: every trial is
/// recorded once, the garbage ones failed with a reason, the run goes on to a best trial and the JSON result and the
/// tracking store agree.
/// </summary>
public sealed class TuneGarbageOutputTests : IDisposable
{
    /// <summary>What the program prints for each choice index; the last one is a real loss.</summary>
    private static readonly string[] Outputs =
    [
        "sys.stdout.buffer.write(bytes(range(256)))",
        "print('NaN')",
        "print('-Infinity')",
        "print('{\"loss\": 1, \"loss_variance\": \"NaN\"}')",
        "print('x' * (1024 * 1024))",
        "sys.stdout.buffer.write(b'\\xff\\xfe\\n')",
        "print('{\"loss\": ' + '[' * 10000 + ']' * 10000 + '}')",
        "print(0.75)",
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("hq-tune-garbage-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Tune_CommandPrintsGarbage_EachGarbageTrialFailsWithAReasonAndTheBestIsTheRealLoss()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var program = "import json, sys\np = json.load(sys.stdin)\n" + string.Join("\n", Outputs.Select((output, i) => $"if p['case'] == {i}: {output}"));
        var spec = Path.Combine(_directory, "garbage.json");
        var points = string.Join(", ", Enumerable.Range(0, Outputs.Length).Select(i => $$"""{"case": {{i}}}"""));
        await File.WriteAllTextAsync(spec, $$$"""
            {"name": "garbage-output", "maxEvals": {{{Outputs.Length}}}, "parallelism": 2, "seed": 1, "algo": "rand",
             "objective": {"command": ["python3", "-c", {{{JsonSerializer.Serialize(program)}}}]},
             "space": {"case": {"$hp": "choice", "options": [{{{string.Join(", ", Enumerable.Range(0, Outputs.Length))}}}]}},
             "pointsToEvaluate": [{{{points}}}]}
            """, cancellationToken);
        var trackingUri = $"sqlite:{Path.Combine(_directory, "runs.db")}";
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = HqCommand.Run(["tune", spec, "--json", "--tracking", trackingUri], stdout, stderr);

        Assert.True(code == ExitCodes.Success, stderr.ToString());
        using var json = JsonDocument.Parse(stdout.ToString());
        var trials = json.RootElement.GetProperty("trials").EnumerateArray().OrderBy(t => t.GetProperty("number").GetInt32()).ToList();
        Assert.Equal(Outputs.Length, trials.Count);
        for (var i = 0; i < Outputs.Length - 1; i++)
        {
            Assert.Equal("fail", trials[i].GetProperty("status").GetString());
            var reason = trials[i].GetProperty("error").GetProperty("message").GetString()!;
            Assert.InRange(reason.Length, 1, 2_000);
        }

        Assert.Equal("ok", trials[^1].GetProperty("status").GetString());
        Assert.Equal(0.75, json.RootElement.GetProperty("best").GetProperty("loss").GetDouble());
        await using var tracking = TrackingClient.Create(trackingUri);
        var stored = await tracking.ListTrialsAsync(json.RootElement.GetProperty("trackingExperimentId").GetString()!, cancellationToken: cancellationToken);
        Assert.Equal(
            trials.Select(t => (t.GetProperty("number").GetInt32(), t.GetProperty("status").GetString())),
            stored.OrderBy(t => t.Number).Select(t => (t.Number, t.Status?.ToString().ToLowerInvariant())));
    }
}
