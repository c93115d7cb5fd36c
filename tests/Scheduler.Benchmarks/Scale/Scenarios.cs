using Npgsql;
using Scheduler.Testing.Postgres;

namespace Scheduler.Benchmarks.Scale;

/// <summary>The benchmark's scenarios. Each one gets fresh databases, its own emulator and its own instances.</summary>
internal sealed class Scenarios(PostgresServer postgres, string work, ResultBook book)
{
    /// <summary>The default shared DescribeStatement budget (below the reported 100 requests/s account quota).</summary>
    public const int DefaultBudget = 80;

    private const int BudgetScenarioBudget = 25;
    private const int WorkerCount = Knobs.WorkerCount;
    private const int BlockingRuns = WorkerCount * 10;

    public async Task ConcurrencyAsync(string name, int runs, bool withHistory, CancellationToken cancellationToken)
    {
        // 5,000 statements need more long polls than the budget pays for (5,000 / 30 s > 80 calls/s); the watcher then
        // ranks them by each mart's usual duration, which a mart on a schedule has in the ledger.
        var (min, max) = runs >= 5000 ? (90, 150) : (60, 90);
        var history = withHistory ? ", each mart with one earlier run in the ledger (its duration ±20 %)" : runs >= 5000 ? ", no run history" : "";
        var result = await RunAsync(
            new ScenarioSpec(name, $"{runs:N0} runs in flight on one instance, statements of {min}–{max} s{history}", runs, min, max, Seed: runs, WithHistory: withHistory),
            during: null,
            cancellationToken);
        book.AddScenario(result);
        if (runs == 1000)
        {
            book.AddTarget(
                "1,000 runs in flight on one instance: every run detected, none duplicated, detection delay p95 ≤ 2 s",
                $"{result.Completed:N0}/{result.Runs:N0} detected, {result.SubmittedTwice} submitted twice, p95 {result.Delay.P95:0.00} s",
                result.Completed == result.Runs && result.Lost == 0 && result.SubmittedTwice == 0 && result.Delay.P95 <= 2);
        }
        else if (runs == 5000 && withHistory)
        {
            book.AddTarget(
                "5,000 runs in flight: all complete, nothing lost, detection delay p95 ≤ 10 s",
                $"{result.Completed:N0}/{result.Runs:N0} complete, {result.Lost} lost, p95 {result.Delay.P95:0.00} s",
                result.Completed == result.Runs && result.Lost == 0 && result.Delay.P95 <= 10);
        }
    }

    public async Task ShortBatchesAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            new ScenarioSpec("short", "Short batches: 200 runs of 1–5 s", 200, 1, 5, Seed: 7),
            during: null,
            cancellationToken);
        book.AddScenario(result);
        book.AddTarget(
            "Short batches (1–5 s): detection delay p95 ≤ 1 s",
            $"p95 {result.Delay.P95:0.00} s ({result.Completed}/{result.Runs} complete)",
            result.Completed == result.Runs && result.Delay.P95 <= 1);
    }

    public async Task FixedTenSecondBaselineAsync(CancellationToken cancellationToken)
    {
        // The original design: no watcher, Hangfire's default 15 s scheduler and queue polling, a poll job every 10 s.
        var result = await RunAsync(
            new ScenarioSpec(
                "fixed-10s",
                "Baseline (b): watcher off, Hangfire default polling (15 s), fixed 10 s poll jobs; 100 runs of 60–90 s",
                100,
                60,
                90,
                Seed: 100,
                Settings: Knobs.FixedTenSecondBaseline(),
                PerMart: Knobs.FixedTenSecondPolls()),
            during: null,
            cancellationToken);
        book.AddScenario(result);
        book.FixedTenSecond = result;
    }

    /// <summary>The scheduler's side of the makespan comparison, run alone so submission is not slowed by other scenarios.</summary>
    public async Task<ScenarioResult> BlockingOursAsync(CancellationToken cancellationToken)
    {
        var ours = await RunAsync(
            new ScenarioSpec("blocking-ours", $"Makespan: {BlockingRuns} runs of 3–5 s through the scheduler ({WorkerCount} Hangfire workers)", BlockingRuns, 3, 5, Seed: 11),
            during: null,
            cancellationToken);
        book.AddScenario(ours);
        return ours;
    }

    public async Task BlockingBaselineAsync(ScenarioResult ours, CancellationToken cancellationToken)
    {
        var database = await postgres.CreateDatabaseAsync("blocking", cancellationToken);
        var warehouse = await postgres.CreateDatabaseAsync("blocking_wh", cancellationToken);
        await using var emulator = await EmulatorHost.StartAsync(warehouse);
        var marts = MartSet.Create(work, "blocking", BlockingRuns, 3, 5, seed: 11);
        var blocking = await BlockingBaseline.RunAsync(database, emulator.Url, marts, WorkerCount, TimeSpan.FromSeconds(10), cancellationToken);
        book.Blocking = (ours, blocking);
        var ratio = blocking.Makespan / ours.Makespan;
        book.AddTarget(
            $"Makespan at least 10× shorter than the blocking baseline ({BlockingRuns} runs, {WorkerCount} workers)",
            $"{ours.Makespan.TotalSeconds:0.0} s vs {blocking.Makespan.TotalSeconds:0.0} s = {ratio:0.0}×",
            ratio >= 10);
    }

    public async Task RecoveryAsync(CancellationToken cancellationToken)
    {
        TimeSpan? watchedAgain = null;
        TimeSpan? watcherReady = null;
        var inFlight = 0;
        var result = await RunAsync(
            new ScenarioSpec("recovery", "Recovery: 1,000 runs of 90–120 s, kill -9 of the instance mid-flight, a new instance started", 1000, 90, 120, Seed: 1001),
            during: async runtime =>
            {
                await runtime.WaitUntilAsync(async () => await Ledger.CountWithStatementAsync(runtime.Database, cancellationToken) >= runtime.Marts.Names.Count, TimeSpan.FromMinutes(5), cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
                runtime.Instances[0].Kill();
                var killedAt = TimeProvider.System.GetUtcNow();
                ScaleBenchmark.Progress("recovery: instance killed with SIGKILL");
                var replacement = await runtime.StartInstanceAsync("recovery-b", cancellationToken);
                var startedAt = TimeProvider.System.GetUtcNow();
                var active = await Ledger.ActiveStatementIdsAsync(runtime.Database, cancellationToken);
                inFlight = active.Count;
                var deadline = startedAt + TimeSpan.FromMinutes(3);
                while (TimeProvider.System.GetUtcNow() < deadline && (watchedAgain is null || watcherReady is null))
                {
                    var now = TimeProvider.System.GetUtcNow();
                    var stillActive = await Ledger.ActiveStatementIdsAsync(runtime.Database, cancellationToken);
                    var described = runtime.Emulator.Calls.Between(killedAt, now, "DescribeStatement")
                        .Select(c => c.StatementId).ToHashSet(StringComparer.Ordinal);
                    if (watchedAgain is null && stillActive.All(described.Contains))
                    {
                        watchedAgain = now - startedAt;
                    }

                    var stats = await replacement.GetStatisticsAsync(cancellationToken);
                    if (watcherReady is null && stats.AwaitingFirstPoll == 0 && stats.Watched >= stillActive.Count)
                    {
                        watcherReady = now - startedAt;
                    }

                    await Task.Delay(250, cancellationToken);
                }
            },
            cancellationToken);
        book.AddScenario(result);
        book.Recovery = (result, inFlight, watchedAgain, watcherReady);
        book.AddTarget(
            "All in-flight runs watched again within 60 s of a restart after kill -9 (none submitted twice)",
            $"{inFlight:N0} in flight: every one described again after {Format(watchedAgain)} (watcher: all polled after {Format(watcherReady)}); {result.SubmittedTwice} submitted twice; {result.Completed:N0}/{result.Runs:N0} complete",
            watchedAgain is { } w && w <= TimeSpan.FromSeconds(60) && result.SubmittedTwice == 0 && result.Completed == result.Runs);
    }

    public async Task BudgetAsync(CancellationToken cancellationToken)
    {
        var result = await RunAsync(
            new ScenarioSpec(
                "budget",
                $"Budget: two instances, 1,000 runs of 60–90 s, budget {BudgetScenarioBudget} DescribeStatement calls/s (below their demand)",
                1000,
                60,
                90,
                Seed: 2,
                Settings: new Dictionary<string, object> { ["Watching:DescribeCallsPerSecond"] = BudgetScenarioBudget },
                Instances: 2,
                Budget: BudgetScenarioBudget),
            during: null,
            cancellationToken);
        book.AddScenario(result);
    }

    private static string Format(TimeSpan? value) => value is { } v ? $"{v.TotalSeconds:0.0} s" : "never (3 min)";

    private async Task<ScenarioResult> RunAsync(ScenarioSpec spec, Func<ScenarioRuntime, Task>? during, CancellationToken cancellationToken)
    {
        ScaleBenchmark.Progress($"{spec.Name}: starting ({spec.Runs:N0} runs)");
        var database = await postgres.CreateDatabaseAsync(spec.Name, cancellationToken);
        var warehouse = await postgres.CreateDatabaseAsync(spec.Name + "_wh", cancellationToken);
        await using var emulator = await EmulatorHost.StartAsync(warehouse);
        var marts = MartSet.Create(work, spec.Name, spec.Runs, spec.MinSeconds, spec.MaxSeconds, spec.Seed);
        var settings = Knobs.Common(database, emulator.Url);
        var perMart = Knobs.Backstop();
        foreach (var (key, value) in spec.PerMart ?? [])
        {
            perMart[key] = value;
        }

        foreach (var (key, value) in marts.Settings(perMart))
        {
            settings[key] = value;
        }

        foreach (var (key, value) in spec.Settings ?? [])
        {
            settings[key] = value;
        }

        await using var runtime = new ScenarioRuntime(work, database, emulator, marts, settings);
        for (var i = 0; i < spec.Instances; i++)
        {
            await runtime.StartInstanceAsync($"{spec.Name}-{(char)('a' + i)}", cancellationToken);
        }

        var historyRows = 0;
        if (spec.WithHistory)
        {
            await runtime.WaitUntilAsync(async () => await Ledger.TableExistsAsync(database, cancellationToken), TimeSpan.FromMinutes(1), cancellationToken);
            historyRows = await Ledger.AddHistoryAsync(database, marts, spec.Seed, cancellationToken);
        }

        var cpuBefore = runtime.CpuSeconds();
        var startedAt = TimeProvider.System.GetUtcNow();
        var triggers = runtime.Instances.Select((instance, index) => Task.Run(async () =>
        {
            var mine = marts.Names.Where((_, i) => i % runtime.Instances.Count == index).ToList();
            foreach (var chunk in mine.Chunk(250))
            {
                await instance.TriggerAsync(chunk, cancellationToken);
            }
        }, cancellationToken)).ToList();
        await Task.WhenAll(triggers);
        ScaleBenchmark.Progress($"{spec.Name}: {spec.Runs:N0} runs triggered in {(TimeProvider.System.GetUtcNow() - startedAt).TotalSeconds:0.0} s");

        if (during is not null)
        {
            await during(runtime);
        }

        var deadline = TimeSpan.FromSeconds(spec.MaxSeconds) + TimeSpan.FromMinutes(4);
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var granted = Ledger.SampleBudgetAsync(database, sampling.Token);
        var peakInFlight = 0L;
        var finished = await runtime.WaitUntilAsync(
            async () =>
            {
                peakInFlight = Math.Max(peakInFlight, await Ledger.CountRunningAsync(database, cancellationToken));
                return await Ledger.CountTerminalAsync(database, cancellationToken) >= spec.Runs;
            },
            deadline,
            cancellationToken);
        var endedAt = TimeProvider.System.GetUtcNow();
        if (!finished)
        {
            ScaleBenchmark.Progress($"{spec.Name}: not every run ended within {deadline}");
        }

        await sampling.CancelAsync();
        var peakGranted = await granted;
        var cpu = runtime.CpuSeconds() - cpuBefore;
        var peak = runtime.PeakMegabytes();
        var outcomes = await Ledger.ReadAsync(database, cancellationToken);
        var statements = await emulator.GetStatementsAsync(cancellationToken);
        var describes = emulator.Calls.Between(startedAt, endedAt, "DescribeStatement");
        var completed = outcomes.Count(o => o.IsTerminal && o.Status != "Lost");
        var rowsBreakdown = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var lastCompletion = outcomes.Where(o => o.CompletedAt is not null).Select(o => o.CompletedAt!.Value).DefaultIfEmpty(endedAt).Max();
        var result = new ScenarioResult
        {
            Name = spec.Name,
            Description = spec.Description,
            Runs = spec.Runs,
            Completed = completed,
            Lost = spec.Runs - completed,
            SubmittedTwice = SubmittedTwice(outcomes, statements),
            Delay = new Percentiles(outcomes.Select(o => o.DetectionDelaySeconds).OfType<double>()),
            DescribeCallsPerRun = describes.Count / (double)spec.Runs,
            PeakDescribeCallsPerSecond = EmulatorCallLog.PeakPerSecond(describes),
            HangfireJobsPerRun = await DatabaseProbe.HangfireJobsAsync(database, cancellationToken) / (double)spec.Runs,
            CpuSeconds = cpu,
            PeakMegabytes = peak,
            RowsPerRunAfterExpiry = (await DatabaseProbe.RowsAfterExpiryAsync(database, rowsBreakdown, cancellationToken) - historyRows) / (double)spec.Runs,
            Makespan = lastCompletion - startedAt,
            WorkerSeconds = await DatabaseProbe.WorkerSecondsAsync(database, cancellationToken),
            Instances = spec.Instances,
            Budget = spec.Budget,
            PeakInFlight = (int)peakInFlight,
            PeakGrantedPerSecond = peakGranted,
        };
        ScaleBenchmark.Progress($"{spec.Name}: done — {result.Completed}/{result.Runs} complete, delay p50/p95/p99/max {result.Delay} s, {result.DescribeCallsPerRun:0.0} calls/run, peak {result.PeakDescribeCallsPerSecond}/s, CPU {cpu:0.0} s");
        ScaleBenchmark.Progress($"{spec.Name}: rows that outlive expiry: {string.Join(", ", rowsBreakdown.Select(kv => $"{kv.Key} {kv.Value}"))}{(historyRows > 0 ? $" (incl. {historyRows} history rows)" : "")}");
        NpgsqlConnection.ClearAllPools();
        return result;
    }

    /// <summary>
    /// Runs whose submission reached the emulator more than once: more than one statement carrying the run's id in its
    /// name or client token, or a statement whose SQL ran more than once.
    /// </summary>
    internal static int SubmittedTwice(IReadOnlyList<RunOutcome> outcomes, IReadOnlyList<EmulatedStatement> statements)
    {
        var twice = 0;
        var byRun = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var statement in statements)
        {
            var key = statement.ClientToken ?? statement.StatementName ?? statement.Id;
            byRun[key] = byRun.GetValueOrDefault(key) + 1;
            if (statement.Executions > 1)
            {
                twice++;
            }
        }

        twice += byRun.Values.Count(count => count > 1);
        // Every run with a statement must account for exactly one emulator statement.
        var known = statements.Select(s => s.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        twice += outcomes.Count(o => o.StatementId is not null && !known.Contains(o.StatementId));
        // More statements than runs that reached Redshift is a second submission, whatever its token.
        var withStatement = outcomes.Count(o => o.StatementId is not null);
        return Math.Max(twice, statements.Count - withStatement);
    }
}

/// <summary>How a scenario is set up.</summary>
internal sealed record ScenarioSpec(
    string Name,
    string Description,
    int Runs,
    double MinSeconds,
    double MaxSeconds,
    int Seed,
    Dictionary<string, object>? Settings = null,
    Dictionary<string, object>? PerMart = null,
    int Instances = 1,
    int Budget = Scenarios.DefaultBudget,
    bool WithHistory = false);
