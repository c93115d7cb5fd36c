using Scheduler.Cli;

return await CommandLine.RunAsync(args);
