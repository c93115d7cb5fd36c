using System.Globalization;
using System.Text;

namespace Scheduler.Benchmarks.Scale;

/// <summary>Collects what the scenarios measured and renders the results table (markdown) with every target.</summary>
internal sealed class ResultBook
{
    private readonly List<ScenarioResult> _scenarios = [];
    private readonly List<(string Target, string Measured, bool Holds)> _targets = [];
    private readonly Lock _gate = new();

    public ScenarioResult? FixedTenSecond { get; set; }

    public (ScenarioResult Ours, BlockingResult Blocking)? Blocking { get; set; }

    public (ScenarioResult Result, int InFlight, TimeSpan? WatchedAgain, TimeSpan? WatcherReady)? Recovery { get; set; }

    public void AddScenario(ScenarioResult result)
    {
        lock (_gate)
        {
            _scenarios.Add(result);
        }
    }

    public void AddTarget(string target, string measured, bool holds)
    {
        lock (_gate)
        {
            _targets.Add((target, measured, holds));
        }
    }

    public string Render(TimeSpan elapsed, string load)
    {
        AddDerivedTargets();
        var order = new[] { "concurrency-100", "concurrency-1000", "concurrency-5000", "concurrency-5000-cold", "short", "fixed-10s", "blocking-ours", "recovery", "budget" };
        var scenarios = _scenarios.OrderBy(s => Array.IndexOf(order, s.Name)).ToList();
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"Benchmark finished in {elapsed.TotalMinutes:0.0} min on {Environment.ProcessorCount} cores ({System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}); {load}.");
        md.AppendLine();
        md.AppendLine("| scenario | runs | most in flight at once | completed | submitted twice | detection delay p50 / p95 / p99 / max (s) | DescribeStatement calls per run | peak calls/s at the emulator / granted by the budget (budget) | Hangfire jobs per run | scheduler CPU s | peak MB | PostgreSQL rows per run after expiry | makespan (s) |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var s in scenarios)
        {
            md.AppendLine(inv, $"| {s.Name}{(s.Instances > 1 ? $" ({s.Instances} instances)" : "")} | {s.Runs:N0} | {s.PeakInFlight:N0} | {s.Completed:N0} | {s.SubmittedTwice} | {s.Delay} | {s.DescribeCallsPerRun:0.0} | {s.PeakDescribeCallsPerSecond} / {s.PeakGrantedPerSecond} ({s.Budget}) | {s.HangfireJobsPerRun:0.0} | {s.CpuSeconds:0.0} | {s.PeakMegabytes:0} | {s.RowsPerRunAfterExpiry:0.0} | {s.Makespan.TotalSeconds:0.0} |");
        }

        md.AppendLine();
        foreach (var s in scenarios)
        {
            md.AppendLine(inv, $"- **{s.Name}**: {s.Description}.");
        }

        if (Blocking is var (ours, blocking))
        {
            md.AppendLine();
            md.AppendLine("| makespan comparison | runs | workers | makespan (s) | worker-seconds held | most workers busy at once |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            md.AppendLine(inv, $"| scheduler (submit job + watcher) | {ours.Runs} | {blocking.Workers} | {ours.Makespan.TotalSeconds:0.0} | {ours.WorkerSeconds:0.0} | n/a (jobs last milliseconds) |");
            md.AppendLine(inv, $"| baseline (a): worker in a DescribeStatement + {blocking.Sleep.TotalSeconds:0} s sleep loop | {blocking.Runs} | {blocking.Workers} | {blocking.Makespan.TotalSeconds:0.0} | {blocking.WorkerSeconds:0.0} | {blocking.PeakBusy} |");
        }

        if (Recovery is var (result, inFlight, watchedAgain, watcherReady))
        {
            md.AppendLine();
            md.AppendLine("| recovery after kill -9 | runs in flight at the restart | every active run described again (emulator log) | new watcher has polled every run | submitted twice (emulator log) | completed |");
            md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            md.AppendLine(inv, $"| {result.Runs:N0} runs of 90–120 s | {inFlight:N0} | {Seconds(watchedAgain)} | {Seconds(watcherReady)} | {result.SubmittedTwice} | {result.Completed:N0}/{result.Runs:N0} |");
        }

        md.AppendLine();
        md.AppendLine("| target | measured | holds |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var (target, measured, holds) in _targets)
        {
            md.AppendLine(inv, $"| {target} | {measured} | {(holds ? "yes" : "**NO**")} |");
        }

        return md.ToString();
    }

    private static string Seconds(TimeSpan? value) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v.TotalSeconds:0.0} s after start") : "not within 3 min";

    private void AddDerivedTargets()
    {
        if (_scenarios.Count > 0)
        {
            var over = _scenarios.Where(s => s.PeakDescribeCallsPerSecond > s.Budget).ToList();
            AddTarget(
                "DescribeStatement rate never above the budget (every scenario, calls counted per second as they arrive at the emulator)",
                string.Join("; ", _scenarios.Select(s => $"{s.Name} {s.PeakDescribeCallsPerSecond}/s of {s.Budget}")),
                over.Count == 0);
        }

        var watched = _scenarios.FirstOrDefault(s => s.Name == "concurrency-100");
        if (FixedTenSecond is { } fixedPolls && watched is not null)
        {
            AddTarget(
                "Fewer DescribeStatement calls per run than fixed 10 s polling, for runs over a minute (60–90 s)",
                $"{watched.DescribeCallsPerRun:0.0} vs {fixedPolls.DescribeCallsPerRun:0.0} calls per run; detection delay p95 {watched.Delay.P95:0.00} s vs {fixedPolls.Delay.P95:0.00} s",
                watched.DescribeCallsPerRun < fixedPolls.DescribeCallsPerRun);
        }
    }
}
