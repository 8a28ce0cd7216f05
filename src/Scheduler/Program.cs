return HyperQueue.Scheduler.Cli.HqCommand.Run(args);
