namespace HyperQueue.Scheduler.Cli;

/// <summary>Entry point of the <c>hq</c> command line.</summary>
internal static class HqCommand
{
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            Console.WriteLine("usage: hq <command> [options]");
            return 0;
        }

        switch (args[0])
        {
            case "sample": return SampleCommand.Run(args[1..], Console.Out, Console.Error);
        }

        Console.Error.WriteLine($"hq: unknown command '{args[0]}'");
        return 2;
    }
}
