using System.Globalization;
using System.Text.Json;
using HyperQueue.Scheduler.Spaces;

namespace HyperQueue.Scheduler.Cli;

/// <summary>
/// <c>hq sample SPEC --count N [--seed S]</c>: prints N evaluated draws from a space's prior, one JSON value per line.
/// SPEC is an experiment spec file (the space is its <c>space</c> member) or a bare space file.
/// </summary>
internal static class SampleCommand
{
    private const string Usage = "usage: hq sample SPEC --count N [--seed S]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Any(a => a is "--help" or "-h"))
        {
            stdout.WriteLine(Usage);
            return 0;
        }

        if (!TryParse(args, out var file, out var count, out var seed, out var error))
        {
            stderr.WriteLine($"hq sample: {error}");
            stderr.WriteLine(Usage);
            return 2;
        }

        SearchSpace space;
        try
        {
            space = Load(file);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"hq sample: {file}: {e.Message}");
            return 2;
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
            stdout.WriteLine(space.Evaluate(space.SamplePrior(random)).GetRawText());
        }

        return 0;
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
            throw new ArgumentException($"not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("space", out var space) && !root.TryGetProperty("$hp", out _)
                ? SearchSpace.FromJson(space)
                : SearchSpace.FromJson(root);
        }
    }

    private static bool TryParse(IReadOnlyList<string> args, out string file, out int count, out int? seed, out string error)
    {
        file = string.Empty;
        count = 0;
        seed = null;
        error = string.Empty;
        int? parsedCount = null;
        int? parsedSeed = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--count" or "--seed")
            {
                if (i + 1 >= args.Count)
                {
                    error = $"{arg} needs a value";
                    return false;
                }

                var text = args[++i];
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
                {
                    error = $"{arg} must be an integer, got '{text}'";
                    return false;
                }

                if (arg == "--count")
                {
                    if (value < 0)
                    {
                        error = $"--count must be 0 or more, got {value}";
                        return false;
                    }

                    parsedCount = value;
                }
                else
                {
                    parsedSeed = value;
                }
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                error = $"unknown option '{arg}'";
                return false;
            }
            else if (file.Length == 0)
            {
                file = arg;
            }
            else
            {
                error = $"unexpected argument '{arg}' (one SPEC file only)";
                return false;
            }
        }

        if (file.Length == 0)
        {
            error = "missing SPEC file";
            return false;
        }

        if (parsedCount is null)
        {
            error = "missing --count N";
            return false;
        }

        count = parsedCount.Value;
        seed = parsedSeed;
        return true;
    }
}
