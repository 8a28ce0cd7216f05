using System.Text;
using System.Text.Json;
using HyperQueue.Contracts;
using HyperQueue.Worker.Commands;
using HyperQueue.Worker.Objectives;
using Microsoft.Extensions.Logging.Abstractions;

namespace HyperQueue.Worker.Tests.BadInput;

/// <summary>
/// Command objectives fed parameters full of shell syntax, and programs that print garbage instead of a result:
/// parameters reach the program only as JSON on stdin, byte for byte, its argv is exactly the configured one and no
/// shell ever runs them; garbage output is one failed trial with a reason, never a crashed worker.
/// </summary>
public sealed class CommandObjectiveBadInputTests : IDisposable
{
    /// <summary>Writes what it received (argv after the script, then stdin) to the file named by its first argument, and prints a loss.</summary>
    private const string Recorder =
        "import sys; data = sys.stdin.buffer.read(); f = open(sys.argv[1], 'wb'); f.write(repr(sys.argv[2:]).encode() + b'\\n' + data); f.close(); print(0.25)";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("hq-command-bad-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Marker => Path.Combine(_directory.FullName, "pwned");

    public static TheoryData<string> ShellTexts => new()
    {
        "; rm -rf MARKER_DIR",
        "$(touch MARKER)",
        "`touch MARKER`",
        "&& touch MARKER",
        "| touch MARKER",
        "> MARKER",
        "' ; touch MARKER ; '",
        "\" ; touch MARKER ; \"",
        "line1\ntouch MARKER\r\nline3",
        "${IFS}touch${IFS}MARKER",
        "-rf --no-preserve-root",
        "%PATH% !! \\ \u0000 \u001b[2J",
        "🚀 ünïcødé",
    };

    [Theory]
    [MemberData(nameof(ShellTexts))]
    public async Task EvaluateAsync_ShellSyntaxInParameters_ReachesTheProgramAsJsonBytesAndRunsNothing(string template)
    {
        var text = template.Replace("MARKER_DIR", _directory.FullName, StringComparison.Ordinal).Replace("MARKER", Marker, StringComparison.Ordinal);
        var parametersJson = JsonSerializer.Serialize(new Dictionary<string, object> { ["cmd"] = text, ["nested"] = new[] { text } });
        var record = Path.Combine(_directory.FullName, "record.txt");
        var argv = new[] { "python3", "-c", Recorder, record, "--fixed", "a b" };

        var result = await RunAsync(new CommandObjectiveDefinition(argv), parametersJson);

        Assert.Equal(ObjectiveResult.Ok(0.25), result);
        var recorded = await File.ReadAllBytesAsync(record, TestContext.Current.CancellationToken);
        var newline = Array.IndexOf(recorded, (byte)'\n');
        // argv is the configured one, untouched by the parameters; stdin is the evaluated parameters' JSON, exactly, as one line.
        Assert.Equal("['--fixed', 'a b']", Encoding.UTF8.GetString(recorded, 0, newline));
        Assert.Equal(parametersJson + "\n", Encoding.UTF8.GetString(recorded, newline + 1, recorded.Length - newline - 1));
        Assert.False(File.Exists(Marker), "a shell ran the parameter");
        Assert.True(_directory.Exists);
    }

    public static TheoryData<string, string> GarbageOutputs => new()
    {
        { "binary bytes", "import sys; sys.stdout.buffer.write(bytes(range(256)))" },
        { "invalid UTF-8 line", "import sys; sys.stdout.buffer.write(b'\\xff\\xfe\\xc0\\xaf\\n')" },
        { "NUL line", "import sys; sys.stdout.buffer.write(b'0.5\\x00garbage\\n')" },
        { "NaN", "print('NaN')" },
        { "-Infinity", "print('-Infinity')" },
        { "NaN loss in an object", "print('{\"loss\": \"NaN\", \"status\": \"ok\"}')" },
        { "NaN variance in an object", "print('{\"loss\": 1, \"loss_variance\": \"NaN\"}')" },
        { "1 MB line", "print('x' * (1024 * 1024))" },
        { "nothing", "pass" },
        { "whitespace only", "print('   \\t  ')" },
        { "deeply nested JSON", "print('{\"loss\": ' + '[' * 10000 + ']' * 10000 + '}')" },
        { "JSON of the wrong shape", "print('[1, 2, 3]')" },
    };

    [Theory]
    [MemberData(nameof(GarbageOutputs))]
    public async Task EvaluateAsync_ProgramPrintsGarbage_OneFailedTrialWithABoundedReason(string what, string program)
    {
        var result = (await RunAsync(new CommandObjectiveDefinition(["python3", "-c", program]), "{}")).Normalize();

        Assert.True(TrialStatus.Fail == result.Status, $"{what}: {result}");
        Assert.Null(result.Loss);
        Assert.False(string.IsNullOrWhiteSpace(result.Error?.Message), $"{what}: no reason");
        // The reason quotes at most a bounded part of the output, never the megabyte.
        Assert.True(result.Error!.Message.Length < 2_000, $"{what}: a reason of {result.Error.Message.Length} characters");
    }

    [Fact]
    public async Task EvaluateAsync_ResultLineLongerThanTheLimit_FailsNamingTheLimit()
    {
        // 24 MB on one line, three times the limit: read and dropped past the limit instead of held whole.
        var program = "import sys\nfor _ in range(24): sys.stdout.write('7' * (1024 * 1024))\nsys.stdout.write('\\n')";

        var result = await RunAsync(new CommandObjectiveDefinition(["python3", "-c", program]), "{}");

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal(
            new TrialError("invalid_result", "command objective 'bad-input': its result line (the last non-blank line of stdout) is longer than 8,388,608 characters"),
            result.Error);
    }

    [Fact]
    public async Task EvaluateAsync_LongLineBeforeTheResult_IsSkippedAndTheResultCounts()
    {
        var program = "import sys\nsys.stdout.write('x' * (10 * 1024 * 1024) + '\\n')\nprint(0.75)";

        var result = await RunAsync(new CommandObjectiveDefinition(["python3", "-c", program]), "{}");

        Assert.Equal(ObjectiveResult.Ok(0.75), result);
    }

    [Fact]
    public async Task EvaluateAsync_StderrFloodWithoutNewlines_FailsWithABoundedTail()
    {
        var program = "import sys\nfor _ in range(32): sys.stderr.write('e' * (1024 * 1024))\nsys.exit(4)";

        var result = await RunAsync(new CommandObjectiveDefinition(["python3", "-c", program]), "{}");

        Assert.Equal(TrialStatus.Fail, result.Status);
        Assert.Equal("command_exit", result.Error!.Type);
        Assert.StartsWith("command objective 'bad-input' exited with code 4; stderr tail:\n", result.Error.Message, StringComparison.Ordinal);
        Assert.InRange(result.Error.Message.Length, 4_000, 4_200);
    }

    private Task<ObjectiveResult> RunAsync(CommandObjectiveDefinition definition, string parametersJson) =>
        new CommandObjective("bad-input", definition with { WorkingDirectory = _directory.FullName }, TimeProvider.System, NullLogger<CommandObjective>.Instance)
            .EvaluateAsync(
                new ObjectiveContext
                {
                    Parameters = new TrialParameters(JsonDocument.Parse(parametersJson).RootElement.Clone()),
                    ExperimentId = Guid.NewGuid(),
                    TrialId = Guid.NewGuid(),
                    TrialNumber = 0,
                },
                TestContext.Current.CancellationToken);
}
