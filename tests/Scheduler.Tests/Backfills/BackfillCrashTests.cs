using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Scheduling;
using Scheduler.Testing;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Backfills;

/// <summary>
/// kill -9 of the real scheduler process in the middle of a backfill and of a catch-up: a fresh process finishes it,
/// and every date (slot) runs exactly once (one run, one submission, one execution).
/// </summary>
[Collection(SchedulerHostGroup.Name)]
[Trait("Category", "Slow")] // process-level: starts and kills scheduler processes
public sealed class BackfillCrashTests
{
    private const string MarkedSlow = "INSERT INTO public.run_marks (note) VALUES (:logical_ts);\nSELECT 1 FROM pg_sleep(2);";

    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Runs:RecoveryInterval"] = "00:00:01",
        ["Runs:RecoveryGrace"] = "00:00:05",
        ["Runs:SubmitLease"] = "00:00:10",
        ["Backfills:SweepInterval"] = "00:00:02",
        ["Backfills:CatchUpInterval"] = "00:00:02",
        ["Backfills:CatchUpGrace"] = "00:00:05",
    };

    [Fact]
    public async Task Backfill_IsFinishedByAFreshProcess_WithEachDateRunOnce_WhenKilledInTheMiddle()
    {
        await using var harness = await RunHarness.StartAsync("backfill_crash", new Dictionary<string, string> { ["marked"] = MarkedSlow },
            new Dictionary<string, string?>(Fast) { ["Marts:marked:MaxActiveRuns"] = "2" }, startScheduler: false);
        var mart = harness.App.Services.GetRequiredService<IMartCatalog>().Find("marked")!;
        Guid id;
        using (var doomed = await SchedulerProcess.StartAsync(harness))
        {
            var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
            var (progress, _, problem) = await harness.App.Services.GetRequiredService<BackfillService>()
                .CreateAsync(mart, new BackfillRequest(from, from.AddDays(7)) { MaxConcurrent = 2 }, "test", CancellationToken.None);
            Assert.True(progress is not null, problem);
            id = progress.Backfill.BackfillId;
            await WaitAsync(harness, id, dates => dates.Count(d => d.State == BackfillDateState.Finished) >= 2 && dates.Any(d => d.State == BackfillDateState.Started));
            doomed.Kill();
        }

        var atKill = await ProgressAsync(harness, id);
        Assert.Contains(atKill.Dates, d => d.State == BackfillDateState.Pending);

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var done = await WaitAsync(harness, id, _ => true, b => b.Status == BackfillStatus.Completed);

        Assert.Equal(8, done.Dates.Count);
        var runs = await harness.Ledger.ListAsync("marked", null, 100, CancellationToken.None);
        Assert.Equal(8, runs.Count);
        Assert.Equal(8, runs.Select(r => r.LogicalDate).Distinct().Count());
        Assert.All(runs, r => Assert.True(r.Status == RunStatus.Succeeded, $"{r.Status}: {r.Error}"));
        var submissions = await harness.Emulator.GetStatementsAsync();
        Assert.Equal(8, submissions.Count);
        Assert.All(submissions, s => Assert.Equal(1, s.Executions));
        Assert.Equal(8, await harness.ScalarAsync("SELECT count(*) FROM public.run_marks"));
        Assert.Equal(8, await harness.ScalarAsync("SELECT count(DISTINCT note) FROM public.run_marks"));
    }

    [Fact]
    public async Task CatchUp_IsFinishedByAFreshProcess_WithEachMissedSlotRunOrSkippedOnce_WhenKilledInTheMiddle()
    {
        await using var harness = await RunHarness.StartAsync("catchup_crash", new Dictionary<string, string> { ["marked"] = MarkedSlow },
            new Dictionary<string, string?>(Fast) { ["Marts:marked:Cron"] = "* * * * *", ["Marts:marked:CatchUp"] = "All", ["Marts:marked:MaxCatchUp"] = "4" },
            startScheduler: false);

        // A first process sees the mart (its watermark starts at now) and goes away; then "it was down" for ten minutes.
        using (var first = await SchedulerProcess.StartAsync(harness))
        {
            await WaitForWatermarkAsync(harness);
            first.Kill();
        }

        var down = DateTimeOffset.UtcNow.AddMinutes(-10);
        await ExecuteAsync(harness, $"UPDATE scheduler.catchup_watermarks SET watermark = '{down:O}'::timestamptz; DELETE FROM scheduler.runs");
        Guid id;
        using (var doomed = await SchedulerProcess.StartAsync(harness))
        {
            id = await WaitForCatchUpBackfillAsync(harness);
            await WaitAsync(harness, id, dates => dates.Any(d => d.State == BackfillDateState.Finished) && dates.Any(d => d.State == BackfillDateState.Started));
            doomed.Kill();
        }

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var done = await WaitAsync(harness, id, _ => true, b => b.Status == BackfillStatus.Completed);

        Assert.Equal(4, done.Dates.Count);
        var slots = done.Dates.Select(d => d.LogicalDate).ToList();
        var runs = (await harness.Ledger.ListAsync("marked", null, 1000, CancellationToken.None)).Where(r => r.LogicalDate > down).ToList();
        // Every slot since the watermark has exactly one run: the four latest missed ones caught up, the older ones Skipped.
        Assert.Equal(runs.Count, runs.Select(r => r.LogicalDate).Distinct().Count());
        var caughtUp = runs.Where(r => slots.Contains(r.LogicalDate)).ToList();
        Assert.Equal(4, caughtUp.Count);
        Assert.All(caughtUp, r => Assert.Equal(RunTrigger.CatchUp, r.Trigger));
        Assert.All(caughtUp, r => Assert.True(r.Status == RunStatus.Succeeded, $"{r.Status}: {r.Error}"));
        var skipped = runs.Where(r => r.LogicalDate < slots[0]).ToList();
        Assert.InRange(skipped.Count, 4, 7);
        Assert.All(skipped, r => Assert.Equal(RunStatus.Skipped, r.Status));
        Assert.All(skipped, r => Assert.Equal(CatchUpService.MissedReason, r.Error));
        var statements = (await harness.Emulator.GetStatementsAsync()).Where(s => caughtUp.Any(r => r.StatementName == s.StatementName)).ToList();
        Assert.Equal(4, statements.Count);
        Assert.All(statements, s => Assert.Equal(1, s.Executions));
    }

    private static async Task<BackfillProgress> ProgressAsync(RunHarness harness, Guid id) =>
        (await harness.App.Services.GetRequiredService<BackfillStore>().GetProgressAsync(id, CancellationToken.None))!;

    private static async Task<BackfillProgress> WaitAsync(RunHarness harness, Guid id, Func<IReadOnlyList<BackfillDate>, bool> condition,
        Func<Backfill, bool>? backfillCondition = null)
    {
        return await Eventually.ValueAsync(() => ProgressAsync(harness, id),
            progress => condition(progress.Dates) && (backfillCondition?.Invoke(progress.Backfill) ?? true),
            $"backfill {id} gets there", TimeSpan.FromSeconds(120),
            describe: progress => $"{progress.Backfill.Status}, " + string.Join(", ", progress.Dates.Select(d => $"{d.LogicalDate:O} {d.State} {d.RunStatus}")));
    }

    private static Task WaitForWatermarkAsync(RunHarness harness) =>
        Eventually.HoldsAsync(async () => await ScalarAsync(harness, "SELECT count(*) FROM scheduler.catchup_watermarks") > 0,
            "a catch-up watermark is written");

    private static async Task<Guid> WaitForCatchUpBackfillAsync(RunHarness harness) =>
        (await Eventually.FoundAsync(
            async () => (await harness.App.Services.GetRequiredService<BackfillStore>().ListAsync("marked", 10, CancellationToken.None))
                .FirstOrDefault(b => b.Kind == BackfillKind.CatchUp),
            "a catch-up backfill is made")).BackfillId;

    private static async Task ExecuteAsync(RunHarness harness, string sql)
    {
        await using var source = NpgsqlDataSource.Create(harness.SchedulerConnectionString);
        await using var command = source.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(RunHarness harness, string sql)
    {
        await using var source = NpgsqlDataSource.Create(harness.SchedulerConnectionString);
        await using var command = source.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
