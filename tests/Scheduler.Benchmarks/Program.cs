using Scheduler.Benchmarks.History;
using Scheduler.Benchmarks.Auth;
using Scheduler.Benchmarks.Scale;
using Scheduler.Benchmarks;

// Modes: "split" times the SQL splitter; "scale" runs the fast-path benchmark (docs/benchmarks.md); "auth-storm" times
// health and an Admin's call under a bad-credential storm; "instance" is a
// scheduler instance that "scale" starts as a child process of itself (so it can be measured and killed with SIGKILL).
var mode = args.Length > 0 ? args[0] : "";
return mode switch
{
    "split" => SplitBenchmark.Run(args),
    "scale" => await ScaleBenchmark.RunAsync(args[1..]),
    "auth-storm" => await AuthStormBenchmark.RunAsync(args[1..]),
    "instance" => await InstanceMode.RunAsync(args[1..]),
    "ledger" => await LedgerBenchmark.RunAsync(args[1..]),
    "burst" => await Scheduler.Benchmarks.Burst.BurstBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tests/Scheduler.Benchmarks -- <mode> [options]
          split [MEGABYTES]  times the SQL splitter on a generated script (default 10 MB)
          scale              the fast-path benchmark: concurrency, short batches, baselines, recovery, budget
                             (docs/benchmarks.md); options: --only NAME[,NAME] (concurrency-100, concurrency-1000, concurrency-5000-cold,
                             concurrency-5000, short, blocking, fixed-10s, recovery, budget), --out FILE
                             (markdown results, default artifacts/benchmarks/scale.md)
          burst              1,000 marts firing at the same cron second onto one workgroup, the emulator's cap (200)
                             and quotas on: with Redshift:MaxActiveStatements (150) and the call budgets, and without
                             (options --marts N, --seconds S statement time, --only limited|unlimited, --out FILE)
          ledger             the Marts page and GET /api/marts over a long ledger (100 marts, 1,000,000 runs;
                             options --marts N, --runs N), beside the last-run query before and now
          auth-storm         16 connections of bad credentials against a scheduler with users: /healthz and an
                             Admin's API call timed beside a quiet baseline (docs/benchmarks.md); --seconds N per phase
          instance FILE      (internal) one scheduler instance, started by "scale"
        """);
    return 2;
}
