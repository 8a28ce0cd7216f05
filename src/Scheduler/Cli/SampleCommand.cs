using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq sample SPEC --count N [--seed S]</c>: prints N evaluated draws from a space's prior, one JSON value per line.
/// SPEC is an experiment spec file (the space is its <c>space</c> member) or a bare space file.
/// </summary>
internal static class SampleCommand
{
    /// <summary>
    /// JSON for a terminal or a pipe, not for HTML: quotes, angle brackets and non-ASCII text stay as written instead of
    /// <c>\u0027</c>, <c>\u003C</c>. Control characters and the JSON syntax characters are still escaped.
    /// </summary>
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var spec = new Argument<FileInfo>("SPEC") { Description = "An experiment spec file (its \"space\" member) or a bare space file" };
        var count = NumberOptions.Whole<int>("--count", "How many samples to print");
        count.Required = true;
        var seed = NumberOptions.Whole<int>("--seed", "Seed of the prior draws (default: a random one, printed on stderr)");
        var command = new Command("sample", "Print draws from a search space's prior, one JSON object per line") { spec, count, seed };
        command.SetAction(parsed => Execute(parsed.GetRequiredValue(spec).FullName, parsed.GetValue(count) ?? 0, parsed.GetValue(seed), stdout, stderr));
        return command;
    }

    internal static int Execute(string file, int count, int? seed, TextWriter stdout, TextWriter stderr)
    {
        if (count < 0)
        {
            stderr.WriteLine($"hq: --count must be 0 or more, got {count}");
            return ExitCodes.BadInput;
        }

        if (seed < 0)
        {
            // Random folds a negative seed onto its absolute value, so -1 would silently repeat 1's draws.
            stderr.WriteLine($"hq: --seed must be 0 or more, got {seed}");
            return ExitCodes.BadInput;
        }

        SearchSpace space;
        try
        {
            space = Load(file);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"hq sample: {file}: {e.Message}");
            return ExitCodes.BadInput;
        }

        foreach (var warning in space.Warnings)
        {
            stderr.WriteLine($"hq sample: warning: {warning}");
        }

        if (seed is null)
        {
            // Without --seed every run differs; printing the seed drawn makes any run reproducible.
            seed = Random.Shared.Next();
            stderr.WriteLine($"hq sample: seed {seed}");
        }

        // A seeded generator owned by this command: the same seed prints the same samples.
        var random = new Random(seed.Value);
        for (var i = 0; i < count; i++)
        {
            stdout.WriteLine(JsonSerializer.Serialize(space.Evaluate(space.SamplePrior(random)), Readable));
        }

        return ExitCodes.Success;
    }

    /// <summary>A spec file's <c>space</c> member when the root is an object with one and is not itself a node; else the whole file.</summary>
    private static SearchSpace Load(string file)
    {
        var text = File.ReadAllText(file);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"not valid JSON ({Spaces.InputText.JsonError(e)})", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (Worker.Commands.JsonUnicode.FindLoneSurrogate(root, SpacePath.Root, SpacePath.Key) is var (path, rule))
            {
                throw new ArgumentException($"{path}: {rule}");
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("space", out var space) && !root.TryGetProperty("$hp", out _)
                ? SearchSpace.FromJson(space)
                : SearchSpace.FromJson(root);
        }
    }
}
