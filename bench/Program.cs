using HyperQueue.Bench;

// JSON lines on stdout only; usage and errors on stderr.
try
{
    var options = BenchOptions.Parse(args);
    switch (options.Suite)
    {
        case "quality":
            QualitySuite.Run(options, Console.Out);
            break;
        case "suggest":
            SuggestSuite.Run(options, Console.Out);
            break;
        case "throughput":
            await ThroughputSuite.RunAsync(options, Console.Out, CancellationToken.None);
            break;
        case "scaling":
            await ScalingSuite.RunAsync(options, Console.Out, CancellationToken.None);
            break;
        case "soak":
            await SoakSuite.RunAsync(options, Console.Out, CancellationToken.None);
            break;
        default:
            throw new ArgumentException($"suite '{options.Suite}' is unknown; valid suites: quality, suggest, throughput, scaling, soak");
    }

    return 0;
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
