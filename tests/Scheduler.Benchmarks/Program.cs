using Scheduler.Benchmarks;

return SplitBenchmark.Run(args);
