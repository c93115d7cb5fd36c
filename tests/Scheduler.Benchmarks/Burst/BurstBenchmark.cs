using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using Scheduler.Benchmarks.Scale;
using Scheduler.Testing.Postgres;

namespace Scheduler.Benchmarks.Burst;

/// <summary>
/// The 03:00 burst: N marts whose cron fires at the same second, all on one workgroup, against the emulator with
/// Redshift's cap (200 active statements) and the Data API's quotas on. Run twice side by side: with the scheduler's
/// limits (per-target slots, paced call budgets) and without them (the behaviour before they existed).
/// </summary>
internal static class BurstBenchmark
{
    // The emulator's limits: Redshift's active statements per workgroup, and the Data API's reported quotas (the
    // operations AWS does not publish are given the submit rate).
    private const int EmulatorCap = 200;
    private static readonly string[] EmulatorLimits =
    [
        $"--Emulator:MaxActiveStatements={EmulatorCap}",
        "--Emulator:Quotas:ExecuteStatement=30",
        "--Emulator:Quotas:BatchExecuteStatement=30",
        "--Emulator:Quotas:DescribeStatement=100",
        "--Emulator:Quotas:GetStatementResult=20",
        "--Emulator:Quotas:CancelStatement=30",
        "--Emulator:Quotas:ListStatements=30",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var marts = 1000;
        var seconds = 30.0;
        var sides = new List<string> { "limited", "unlimited" };
        var root = RepositoryRoot();
        var output = Path.Combine(root, "artifacts", "benchmarks", "burst.md");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--marts" when i + 1 < args.Length:
                    marts = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--only" when i + 1 < args.Length:
                    sides = [.. args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)];
                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"burst: unknown argument '{args[i]}' (expected --marts N, --seconds S, --only limited|unlimited, --out FILE).");
                    return 2;
            }
        }

        var clock = Stopwatch.StartNew();
        var load = LoadAverage();
        var work = Path.GetFullPath(Path.Combine(root, "artifacts", "benchmarks", $"burst-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}"));
        Directory.CreateDirectory(work);
        ScaleBenchmark.Progress($"work directory {work}");
        var postgres = await PostgresServer.GetAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(40));
        var results = new List<BurstResult>();
        foreach (var side in sides)
        {
            results.Add(await RunSideAsync(postgres, work, side, marts, seconds, cancel.Token));
        }

        var report = Render(results, marts, seconds, clock.Elapsed, load);
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report, Encoding.UTF8);
        ScaleBenchmark.Progress($"results written to {output} (logs in {work})");
        return 0;
    }

    private static async Task<BurstResult> RunSideAsync(PostgresServer postgres, string work, string side, int count, double seconds, CancellationToken cancellationToken)
    {
        var limited = side == "limited";
        var name = $"burst_{side}";
        ScaleBenchmark.Progress($"{name}: starting ({count:N0} marts, statements of {seconds} s)");
        var database = await postgres.CreateDatabaseAsync(name, cancellationToken);
        var warehouse = await postgres.CreateDatabaseAsync(name + "_wh", cancellationToken);
        await using var emulator = await EmulatorHost.StartAsync(warehouse, EmulatorLimits);
        var marts = MartSet.Create(work, name, count, seconds, seconds, seed: 15);
        var settings = Knobs.Common(database, emulator.Url);
        if (limited)
        {
            // The product's defaults: Redshift:MaxActiveStatements 150, Redshift:Budget:* (submit 25/s, describe 80/s …).
            settings.Remove("Redshift:MaxActiveStatements");
            settings.Remove("Redshift:Budget:Submit");
            settings.Remove("Redshift:Budget:ListStatements");
            settings.Remove("Redshift:Budget:CancelStatement");
        }

        // Every mart fires at the same cron second: the start of a minute far enough ahead for the instance to start
        // and register 1,000 recurring jobs.
        var fireAt = NextMinute(TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(75));
        var perMart = Knobs.Backstop();
        perMart["Cron"] = string.Create(CultureInfo.InvariantCulture, $"{fireAt.Minute} {fireAt.Hour} * * *");
        foreach (var (key, value) in marts.Settings(perMart))
        {
            settings[key] = value;
        }

        await using var runtime = new ScenarioRuntime(work, database, emulator, marts, settings);
        await runtime.StartInstanceAsync(name, cancellationToken);
        ScaleBenchmark.Progress($"{name}: instance ready; the cron fires at {fireAt:HH:mm:ss}");
        var cpuBefore = runtime.CpuSeconds();

        var peakQueued = 0L;
        var peakHolding = 0L;
        var finished = await runtime.WaitUntilAsync(
            async () =>
            {
                peakQueued = Math.Max(peakQueued, await CountAsync(database, "status = 'Queued'", cancellationToken));
                peakHolding = Math.Max(peakHolding, await CountAsync(database, "status IN ('Submitting', 'Running', 'Cancelling') AND submit_attempted_at IS NOT NULL", cancellationToken));
                return await CountAsync(database, "status IN ('Succeeded', 'Failed', 'Cancelled', 'TimedOut', 'Lost', 'Skipped')", cancellationToken) >= count;
            },
            fireAt - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(seconds * 10) + TimeSpan.FromMinutes(5),
            cancellationToken);
        if (!finished)
        {
            ScaleBenchmark.Progress($"{name}: not every run ended in time");
        }

        var cpu = runtime.CpuSeconds() - cpuBefore;
        var outcomes = await Ledger.ReadAsync(database, cancellationToken);
        var statements = await emulator.GetStatementsAsync(cancellationToken);
        using var limits = await emulator.GetLimitsAsync(cancellationToken);
        var target = limits.RootElement.GetProperty("targets").EnumerateArray().FirstOrDefault();
        var operations = limits.RootElement.GetProperty("operations").EnumerateArray()
            .ToDictionary(o => o.GetProperty("operation").GetString()!, o => o, StringComparer.Ordinal);
        long Throttled(string op) => operations.TryGetValue(op, out var o) ? o.GetProperty("throttled").GetInt64() : 0;
        var firstCreated = await ScalarTimeAsync(database, "SELECT min(created_at) FROM scheduler.runs", cancellationToken);
        var lastCompleted = outcomes.Where(o => o.CompletedAt is not null).Select(o => o.CompletedAt!.Value).DefaultIfEmpty(firstCreated).Max();
        var to = lastCompleted + TimeSpan.FromSeconds(1);
        var submits = emulator.Calls.Between(firstCreated - TimeSpan.FromSeconds(1), to)
            .Where(c => c.Operation is "BatchExecuteStatement" or "ExecuteStatement").ToList();
        var describes = emulator.Calls.Between(firstCreated - TimeSpan.FromSeconds(1), to, "DescribeStatement");
        var cap = limited ? 150 : EmulatorCap;
        var waves = (int)Math.Ceiling(count / (double)cap);
        var result = new BurstResult
        {
            Side = side,
            Runs = count,
            Created = outcomes.Count,
            Succeeded = outcomes.Count(o => o.Status == "Succeeded"),
            NotSucceeded = string.Join(", ", outcomes.Where(o => o.Status != "Succeeded").GroupBy(o => o.Status).Select(g => $"{g.Count()} {g.Key}")),
            SubmittedTwice = Scenarios.SubmittedTwice(outcomes, statements),
            Refused = target.ValueKind == JsonValueKind.Object ? target.GetProperty("refused").GetInt64() : 0,
            PeakActive = target.ValueKind == JsonValueKind.Object ? target.GetProperty("peakActive").GetInt32() : 0,
            SubmitCalls = submits.Count,
            PeakSubmitPerSecond = EmulatorCallLog.PeakPerSecond(submits),
            PeakDescribePerSecond = EmulatorCallLog.PeakPerSecond(describes),
            Throttled = operations.Values.Sum(o => o.GetProperty("throttled").GetInt64()),
            ThrottledSubmits = Throttled("BatchExecuteStatement") + Throttled("ExecuteStatement"),
            PeakQueued = peakQueued,
            PeakHolding = peakHolding,
            Makespan = lastCompleted - firstCreated,
            FireToFirstRun = firstCreated - fireAt,
            Ideal = TimeSpan.FromSeconds(waves * seconds),
            Waves = waves,
            Cap = cap,
            CpuSeconds = cpu,
            DetectionP95 = new Percentiles(outcomes.Select(o => o.DetectionDelaySeconds).OfType<double>()).P95,
        };
        ScaleBenchmark.Progress($"{name}: done — {result.Succeeded}/{count} Succeeded, {result.Refused} ActiveStatementsExceeded, peak active {result.PeakActive}, peak submit {result.PeakSubmitPerSecond}/s, makespan {result.Makespan.TotalSeconds:0.0} s");
        NpgsqlConnection.ClearAllPools();
        return result;
    }

    private static string Render(List<BurstResult> results, int marts, double seconds, TimeSpan elapsed, string load)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(inv, $"Burst benchmark finished in {elapsed.TotalMinutes:0.0} min on {Environment.ProcessorCount} cores; load average at start {load}, at end {LoadAverage()}.");
        md.AppendLine();
        md.AppendLine(inv, $"{marts:N0} marts, one cron second, one workgroup, statements of {seconds} s; emulator: Emulator:MaxActiveStatements {EmulatorCap}, quotas ExecuteStatement/BatchExecuteStatement/CancelStatement/ListStatements 30/s, DescribeStatement 100/s, GetStatementResult 20/s.");
        md.AppendLine();
        md.AppendLine("| side | runs | Succeeded | other outcomes | submitted twice | ActiveStatementsExceeded answered | peak active at the emulator (cap) | most queued at once | submit calls (per run) | peak submit calls/s at the emulator | ThrottlingException answered (submit) | peak DescribeStatement/s | makespan (s) | ideal: waves × statement (s) | makespan / ideal | detection p95 (s) | scheduler CPU s |");
        md.AppendLine("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            md.AppendLine(inv, $"| {r.Side} | {r.Runs:N0} | {r.Succeeded:N0} | {(r.NotSucceeded.Length == 0 ? "none" : r.NotSucceeded)} | {r.SubmittedTwice} | {r.Refused:N0} | {r.PeakActive} ({EmulatorCap}) | {r.PeakQueued:N0} | {r.SubmitCalls:N0} ({r.SubmitCalls / (double)r.Runs:0.00}) | {r.PeakSubmitPerSecond} | {r.Throttled:N0} ({r.ThrottledSubmits:N0}) | {r.PeakDescribePerSecond} | {r.Makespan.TotalSeconds:0.0} | {r.Waves} × {seconds} = {r.Ideal.TotalSeconds:0} | {r.Makespan / r.Ideal:0.00} | {r.DetectionP95:0.00} | {r.CpuSeconds:0.0} |");
        }

        md.AppendLine();
        md.AppendLine("Makespan: from the first run's creation (the cron second) to the last run's recorded end. Waves: runs / the limit in force (150 with the scheduler's limit; 200, Redshift's own, without it).");
        if (results.FirstOrDefault(r => r.Side == "limited") is { } limited)
        {
            md.AppendLine();
            md.AppendLine("| target (limited side) | measured | holds |");
            md.AppendLine("| --- | --- | --- |");
            Row(md, "every run Succeeded exactly once", $"{limited.Succeeded:N0}/{limited.Runs:N0} Succeeded, {limited.SubmittedTwice} submitted twice", limited.Succeeded == limited.Runs && limited.SubmittedTwice == 0);
            Row(md, "no ActiveStatementsExceededException answered", $"{limited.Refused}", limited.Refused == 0);
            Row(md, $"peak active at the emulator ≤ its cap ({EmulatorCap})", $"{limited.PeakActive}", limited.PeakActive <= EmulatorCap);
            Row(md, "submit rate at the emulator never above the budget (25/s)", $"peak {limited.PeakSubmitPerSecond}/s", limited.PeakSubmitPerSecond <= 25);
            Row(md, "makespan ≤ 1.15 × ideal", $"{limited.Makespan.TotalSeconds:0.0} s vs {limited.Ideal.TotalSeconds:0} s = {limited.Makespan / limited.Ideal:0.00}×", limited.Makespan / limited.Ideal <= 1.15);
        }

        return md.ToString();
    }

    private static void Row(StringBuilder md, string target, string measured, bool holds) =>
        md.AppendLine(CultureInfo.InvariantCulture, $"| {target} | {measured} | {(holds ? "yes" : "**no**")} |");

    private static DateTimeOffset NextMinute(DateTimeOffset at) =>
        new DateTimeOffset(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero).AddMinutes(1);

    private static async Task<long> CountAsync(string connectionString, string where, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM scheduler.runs WHERE {where}", connection);
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    private static async Task<DateTimeOffset> ScalarTimeAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime value
            ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc))
            : TimeProvider.System.GetUtcNow();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Scheduler.sln")))
            {
                return directory.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
