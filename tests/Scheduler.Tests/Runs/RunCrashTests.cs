using System.Diagnostics;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;
using Scheduler.Testing;
using Xunit.Abstractions;

namespace Scheduler.Tests.Runs;

/// <summary>
/// kill -9 of the real scheduler process at the worst moments; a fresh process (or a surviving instance) must finish
/// every run with exactly one SQL execution each.
/// </summary>
[Collection(SchedulerHostGroup.Name)]
[Trait("Category", "Slow")] // process-level: starts and kills scheduler processes
public sealed class RunCrashTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> FastRecovery = new()
    {
        ["Runs:RecoveryInterval"] = "00:00:01",
        ["Runs:RecoveryGrace"] = "00:00:05",
        // Recovery waits for a submit call's lease: short here, so a killed submit is resumed promptly.
        ["Runs:SubmitLease"] = "00:00:10",
    };

    [Fact]
    public async Task Run_IsFinishedByAFreshProcess_WithOneExecution_WhenKilledAfterSubmitBeforeCheckpoint()
    {
        await using var harness = await RunHarness.StartAsync("crash_submit",
            new Dictionary<string, string> { ["marked"] = "INSERT INTO run_marks (note) VALUES ('a');" }, FastRecovery, startScheduler: false);
        RunRecord run;
        using (var doomed = await SchedulerProcess.StartAsync(harness, new Dictionary<string, string?> { ["Runs:TestingBlockAt"] = "AfterSubmit" }))
        {
            run = await harness.StartRunAsync("marked");
            await doomed.WaitForLineAsync(l => l == $"FAULT-POINT AfterSubmit {run.RunId}", TimeSpan.FromSeconds(90));
            doomed.Kill();
        }

        var killed = Stopwatch.StartNew();
        var atKill = await harness.Ledger.GetAsync(run.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Submitting, atKill!.Status);
        Assert.Null(atKill.StatementId); // the statement exists in Redshift, the ledger does not know it yet
        Assert.Single(await harness.SubmissionsAsync(run));

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var done = await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(90));
        output.WriteLine($"recovered in {killed.Elapsed.TotalSeconds:F1} s after the kill");

        Assert.True(done.Status == RunStatus.Succeeded, $"{done.Status}: {done.Error}");
        var submission = Assert.Single(await harness.SubmissionsAsync(run));
        Assert.Equal(1, submission.Executions);
        Assert.Equal(submission.Id, done.StatementId);
        Assert.Equal(1, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
    }

    [Fact]
    public async Task Run_FindsItsStatementByName_WithOneExecution_WhenKilledAfterSubmitAndTheClientTokenExpired()
    {
        // The ClientToken is forgotten after 1 s here (8 h on AWS): resending it would start a second execution, so the
        // resumed submit must find the statement with ListStatements by its StatementName instead.
        var settings = new Dictionary<string, string?>(FastRecovery) { ["Runs:ClientTokenWindow"] = "00:00:01" };
        await using var harness = await RunHarness.StartAsync("crash_token",
            new Dictionary<string, string> { ["marked"] = "INSERT INTO run_marks (note) VALUES ('t');" }, settings,
            new Dictionary<string, string?> { ["Emulator:ClientTokenRetention"] = "00:00:01" }, startScheduler: false);
        RunRecord run;
        using (var doomed = await SchedulerProcess.StartAsync(harness, new Dictionary<string, string?> { ["Runs:TestingBlockAt"] = "AfterSubmit" }))
        {
            run = await harness.StartRunAsync("marked");
            await doomed.WaitForLineAsync(l => l == $"FAULT-POINT AfterSubmit {run.RunId}", TimeSpan.FromSeconds(90));
            doomed.Kill();
        }

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var done = await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(90));

        Assert.True(done.Status == RunStatus.Succeeded, $"{done.Status}: {done.Error}");
        var submission = Assert.Single(await harness.SubmissionsAsync(run));
        Assert.Equal(submission.Id, done.StatementId);
        Assert.Equal(1, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
    }

    [Fact]
    public async Task Run_IsFinishedByAFreshProcess_WithOneExecution_WhenKilledDuringAPoll()
    {
        // The backstop alone: on a loaded machine the watcher could otherwise record the finish before the poll job
        // reaches its fault point, and the point would never be reached.
        var settings = new Dictionary<string, string?>(FastRecovery) { ["Watching:Enabled"] = "false" };
        await using var harness = await RunHarness.StartAsync("crash_poll",
            new Dictionary<string, string> { ["marked"] = "INSERT INTO run_marks (note) VALUES ('b');\nSELECT 1 FROM pg_sleep(2);" }, settings, startScheduler: false);
        RunRecord run;
        using (var doomed = await SchedulerProcess.StartAsync(harness, new Dictionary<string, string?> { ["Runs:TestingBlockAt"] = "DuringPoll" }))
        {
            run = await harness.StartRunAsync("marked");
            await doomed.WaitForLineAsync(l => l == $"FAULT-POINT DuringPoll {run.RunId}", TimeSpan.FromSeconds(90));
            doomed.Kill();
        }

        var killed = Stopwatch.StartNew();
        Assert.Equal(RunStatus.Running, (await harness.Ledger.GetAsync(run.RunId, CancellationToken.None))!.Status);

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var done = await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(90));
        output.WriteLine($"recovered in {killed.Elapsed.TotalSeconds:F1} s after the kill");

        Assert.True(done.Status == RunStatus.Succeeded, $"{done.Status}: {done.Error}");
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);
        Assert.Equal(1, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
    }

    [Fact]
    public async Task Dependant_RunsExactlyOnce_WhenKilledRightAfterItsUpstreamSucceeded()
    {
        await using var harness = await RunHarness.StartAsync("crash_deps",
            new Dictionary<string, string>
            {
                ["up"] = "INSERT INTO run_marks (note) VALUES ('up');",
                ["down"] = "INSERT INTO run_marks (note) VALUES ('down');",
            },
            new Dictionary<string, string?>(FastRecovery) { ["Marts:down:DependsOn:0"] = "up" }, startScheduler: false);
        RunRecord run;
        // The doomed process's own sweep waits a day: only the job can handle the run there, and it stops at the point.
        using (var doomed = await SchedulerProcess.StartAsync(harness,
            new Dictionary<string, string?> { ["Runs:TestingBlockAt"] = "BeforePropagate", ["Runs:RecoveryGrace"] = "1.00:00:00" }))
        {
            var started = await harness.Trigger.TriggerAsync("up", new RunRequest(RunTrigger.Manual) { Downstream = true }, CancellationToken.None);
            run = started.Run!;
            await doomed.WaitForLineAsync(l => l == $"FAULT-POINT BeforePropagate {run.RunId}", TimeSpan.FromSeconds(90));
            doomed.Kill();
        }

        Assert.Equal(RunStatus.Succeeded, (await harness.Ledger.GetAsync(run.RunId, CancellationToken.None))!.Status);
        Assert.Empty(await harness.Ledger.ListAsync("down", null, 10, CancellationToken.None)); // its success is stored, the dependant is not

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var down = await Dependencies.DependencyRunTests.WaitForOnlyRunAsync(harness, "down");
        await Eventually.HoldsAsync(async () => await Dependencies.DependencyRunTests.UnhandledAsync(harness) == 0, "every ended run handled",
            TimeSpan.FromSeconds(60));

        Assert.True(down.Status == RunStatus.Succeeded, $"{down.Status}: {down.Error}");
        Assert.Equal([run.RunId], down.UpstreamRunIds);
        Assert.Single(await harness.Ledger.ListAsync("down", null, 10, CancellationToken.None));
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(down)).Executions);
        Assert.Equal(1, await harness.ScalarAsync("SELECT count(*) FROM run_marks WHERE note = 'down'"));
    }

    [Fact]
    public async Task Retry_HappensExactlyOnce_WhenKilledRightAfterTheWriteThatEndedTheRunAndDecidedIt()
    {
        await using var harness = await RunHarness.StartAsync("crash_retry",
            new Dictionary<string, string> { ["flaky"] = "SELECT 1 / (CASE WHEN nextval('public.retry_seq') < 2 THEN 0 ELSE 1 END) AS one;" },
            new Dictionary<string, string?>(FastRecovery) { ["Marts:flaky:Retry:Attempts"] = "3", ["Marts:flaky:Retry:Delay"] = "00:00:01" },
            startScheduler: false);
        await harness.ScalarAsync("CREATE SEQUENCE public.retry_seq");
        RunRecord run;
        using (var doomed = await SchedulerProcess.StartAsync(harness, new Dictionary<string, string?> { ["Runs:TestingBlockAt"] = "AfterRetryDecided" }))
        {
            run = await harness.StartRunAsync("flaky");
            await doomed.WaitForLineAsync(l => l == $"FAULT-POINT AfterRetryDecided {run.RunId}", TimeSpan.FromSeconds(90));
            doomed.Kill();
        }

        // The run's end and its retry are stored; the retry job was never scheduled.
        var atKill = (await harness.Ledger.GetAsync(run.RunId, CancellationToken.None))!;
        Assert.Equal(RunStatus.Failed, atKill.Status);
        Assert.NotNull(atKill.RetryAt);
        Assert.Single(await harness.Ledger.ListAsync("flaky", null, 100, CancellationToken.None));

        using var fresh = await SchedulerProcess.StartAsync(harness);
        var retry = await RunRetryTests.WaitForRetryAsync(harness, atKill);
        var done = await harness.WaitForTerminalAsync(retry.RunId, TimeSpan.FromSeconds(90));

        Assert.True(done.Status == RunStatus.Succeeded, $"{done.Status}: {done.Error}");
        Assert.Equal((2, run.RunId, RunTrigger.Retry), (done.Attempt, done.RetryOf, done.Trigger));
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(done)).Executions);
        // The retry's trigger key (unique) is what keeps it one, however often recovery sweeps.
        Assert.Equal(2, (await harness.Ledger.ListAsync("flaky", null, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task KilledJob_IsRunAgainByHangfireItself_WithinTheInvisibilityTimeout_WhenRunRecoveryIsOff()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Runs:RecoveryGrace"] = "1.00:00:00", // recovery off: only Hangfire's sliding invisibility brings the job back
            ["Hangfire:InvisibilityTimeout"] = "00:00:15",
            // The backstop alone: with the watcher on, it records the finish before the poll job reaches its fault point.
            ["Watching:Enabled"] = "false",
        };
        await using var harness = await RunHarness.StartAsync("crash_invisible",
            new Dictionary<string, string> { ["marked"] = "INSERT INTO run_marks (note) VALUES ('c');" }, settings, startScheduler: false);
        RunRecord run;
        using (var doomed = await SchedulerProcess.StartAsync(harness, new Dictionary<string, string?> { ["Runs:TestingBlockAt"] = "DuringPoll" }))
        {
            run = await harness.StartRunAsync("marked");
            await doomed.WaitForLineAsync(l => l == $"FAULT-POINT DuringPoll {run.RunId}", TimeSpan.FromSeconds(90));
            doomed.Kill();
        }

        var killed = Stopwatch.StartNew();
        using var fresh = await SchedulerProcess.StartAsync(harness);
        var done = await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(60));
        output.WriteLine($"Hangfire re-ran the killed poll job; the run ended {killed.Elapsed.TotalSeconds:F1} s after the kill (InvisibilityTimeout 15 s)");

        Assert.True(done.Status == RunStatus.Succeeded, $"{done.Status}: {done.Error}");
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);
    }

    [Fact]
    public async Task Runs_AreAllFinishedByAFreshProcess_WithOneExecutionEach_WhenKilledWithManyInFlight()
    {
        var marts = Enumerable.Range(1, 12).ToDictionary(i => $"m{i:D2}", i => $"INSERT INTO run_marks (note) VALUES ('m{i:D2}');\nSELECT 1 FROM pg_sleep(3);");
        await using var harness = await RunHarness.StartAsync("crash_many", marts, FastRecovery, startScheduler: false);
        List<RunRecord> runs;
        using (var doomed = await SchedulerProcess.StartAsync(harness))
        {
            runs = [];
            foreach (var mart in marts.Keys)
            {
                runs.Add(await harness.StartRunAsync(mart));
            }

            await WaitUntilAsync(harness, runs, states => states.Count(s => s == RunStatus.Running) >= 6);
            doomed.Kill();
        }

        var statesAtKill = await StatesAsync(harness, runs);
        output.WriteLine("at the kill: " + string.Join(", ", statesAtKill.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}")));
        var killed = Stopwatch.StartNew();

        using var fresh = await SchedulerProcess.StartAsync(harness);
        await AssertAllSucceededOnceAsync(harness, runs, marts.Count);
        output.WriteLine($"all {runs.Count} runs finished {killed.Elapsed.TotalSeconds:F1} s after the kill");
    }

    [Fact]
    public async Task Runs_AreFinishedByTheSurvivingInstance_WithOneExecutionEach_WhenOneOfTwoIsKilled()
    {
        var marts = Enumerable.Range(1, 12).ToDictionary(i => $"m{i:D2}", i => $"INSERT INTO run_marks (note) VALUES ('m{i:D2}');\nSELECT 1 FROM pg_sleep(3);");
        await using var harness = await RunHarness.StartAsync("crash_two", marts, FastRecovery, startScheduler: false);
        using var survivor = await SchedulerProcess.StartAsync(harness);
        List<RunRecord> runs = [];
        using (var doomed = await SchedulerProcess.StartAsync(harness))
        {
            foreach (var mart in marts.Keys)
            {
                runs.Add(await harness.StartRunAsync(mart));
            }

            await WaitUntilAsync(harness, runs, states => states.Count(s => s == RunStatus.Running) >= 6);
            doomed.Kill();
        }

        var killed = Stopwatch.StartNew();
        await AssertAllSucceededOnceAsync(harness, runs, marts.Count);
        output.WriteLine($"all {runs.Count} runs finished {killed.Elapsed.TotalSeconds:F1} s after one of two instances was killed");
        Assert.False(survivor.HasExited);
    }

    private static async Task AssertAllSucceededOnceAsync(RunHarness harness, List<RunRecord> runs, int expectedMarks)
    {
        foreach (var run in runs)
        {
            var done = await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(120));
            Assert.True(done.Status == RunStatus.Succeeded, $"{done.Status}: {done.Error}");
            var submission = Assert.Single(await harness.SubmissionsAsync(run));
            Assert.Equal(1, submission.Executions);
            Assert.Equal(submission.Id, done.StatementId);
        }

        Assert.Equal(expectedMarks, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
        Assert.Equal(expectedMarks, await harness.ScalarAsync("SELECT count(DISTINCT note) FROM run_marks"));
    }

    private static async Task<List<RunStatus>> StatesAsync(RunHarness harness, List<RunRecord> runs)
    {
        var states = new List<RunStatus>();
        foreach (var run in runs)
        {
            states.Add((await harness.Ledger.GetAsync(run.RunId, CancellationToken.None))!.Status);
        }

        return states;
    }

    private static async Task WaitUntilAsync(RunHarness harness, List<RunRecord> runs, Func<List<RunStatus>, bool> condition) =>
        await Eventually.ValueAsync(() => StatesAsync(harness, runs), condition, "the runs get in flight",
            interval: TimeSpan.FromMilliseconds(50), describe: states => string.Join(", ", states));
}
