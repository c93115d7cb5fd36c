using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;
using Scheduler.Testing;
using Xunit.Abstractions;

namespace Scheduler.Tests.Runs;

/// <summary>
/// Per-target concurrency against the real stack: the slot limit is shared through PostgreSQL by every instance, queued
/// runs are started as slots free, and the queue survives kill -9 of the process that holds it. The emulator's own
/// count of active statements is the observer.
/// </summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class RunQueueTests(ITestOutputHelper output)
{
    private static Dictionary<string, string> Marts(int count, double sleepSeconds) =>
        Enumerable.Range(1, count).ToDictionary(
            i => $"q{i:D2}",
            i => $"INSERT INTO run_marks (note) VALUES ('q{i:D2}');\nSELECT 1 FROM pg_sleep({sleepSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)});");

    [Fact]
    public async Task Cap_IsSharedByTwoInstances_AndEveryQueuedRunSucceedsOnce()
    {
        var marts = Marts(8, 1.5);
        var settings = new Dictionary<string, string?>
        {
            // The per-target key overrides the default (150) for the workgroup "wg".
            ["Redshift:Targets:wg:MaxActiveStatements"] = "2",
            // Long: a freed slot is handed on by the instance that saw the run end, not by the sweep.
            ["Redshift:QueueSweepInterval"] = "00:01:00",
        };
        await using var harness = await RunHarness.StartAsync("queue_two", marts, settings);
        var second = harness.BuildApp(harness.Settings);
        await second.StartAsync();
        var secondTrigger = second.Services.GetRequiredService<IRunTrigger>();

        // Sample the ledger throughout: runs 3–8 wait seconds for a slot, so a waiting run is seen as Queued.
        var sampler = Eventually.HoldsAsync(async () => (await harness.Ledger.ListAsync(null, RunStatus.Queued, 10, CancellationToken.None)).Count > 0,
            "a run waiting for a slot is seen Queued (8 runs against 2 slots)", TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(20));
        var runs = new List<RunRecord>();
        var i = 0;
        foreach (var mart in marts.Keys)
        {
            // Half the runs are triggered on each instance.
            var trigger = i++ % 2 == 0 ? harness.Trigger : secondTrigger;
            var result = await trigger.TriggerAsync(mart, RunTrigger.Manual, CancellationToken.None);
            Assert.Equal(TriggerOutcome.Started, result.Outcome);
            runs.Add(result.Run!);
        }

        var done = new List<RunRecord>();
        foreach (var run in runs)
        {
            done.Add(await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(120)));
        }

        await sampler;

        Assert.All(done, r => Assert.True(r.Status == RunStatus.Succeeded, $"{r.Mart} {r.Status}: {r.Error}"));
        foreach (var run in done)
        {
            Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);
        }

        Assert.Equal(marts.Count, await harness.ScalarAsync("SELECT count(DISTINCT note) FROM run_marks"));
        var limits = await harness.Emulator.GetLimitsAsync();
        var target = Assert.Single(limits.Targets, t => t.WorkgroupName == "wg");
        output.WriteLine($"peak active at the emulator: {target.PeakActive}; refused: {target.Refused}; a run was seen Queued");
        Assert.InRange(target.PeakActive, 1, 2); // never more than the limit, both instances together
        Assert.Equal(0, target.Refused);
    }

    [Fact]
    public async Task Cancel_OfAQueuedRun_CancelsItAtOnce_WithoutSendingAnything()
    {
        var marts = Marts(2, 5);
        await using var harness = await RunHarness.StartAsync("queue_cancel", marts,
            new Dictionary<string, string?> { ["Redshift:MaxActiveStatements"] = "1" });
        var first = await harness.StartRunAsync("q01");
        await harness.WaitForRunAsync(first.RunId, r => r.Status == RunStatus.Running, TimeSpan.FromSeconds(60));
        var queued = await harness.StartRunAsync("q02");
        await harness.WaitForRunAsync(queued.RunId, r => r.Status == RunStatus.Queued, TimeSpan.FromSeconds(60));

        var cancel = await harness.Trigger.CancelAsync(queued.RunId, CancellationToken.None);

        Assert.Equal(CancelOutcome.Requested, cancel.Outcome);
        Assert.Equal(RunStatus.Cancelled, cancel.Run!.Status);
        Assert.Empty(await harness.SubmissionsAsync(queued));
        Assert.Equal(RunStatus.Succeeded, (await harness.WaitForTerminalAsync(first.RunId, TimeSpan.FromSeconds(60))).Status);
    }

    [Fact]
    [Trait("Category", "Slow")] // process-level: kills a scheduler process
    public async Task QueuedRuns_AreStartedByAFreshProcess_EachOnce_WithinTheCap_WhenTheProcessIsKilled()
    {
        var marts = Marts(6, 2);
        var settings = new Dictionary<string, string?>
        {
            ["Redshift:MaxActiveStatements"] = "2",
            ["Redshift:QueueSweepInterval"] = "00:00:01",
            ["Runs:RecoveryInterval"] = "00:00:01",
            ["Runs:RecoveryGrace"] = "00:00:05",
            ["Runs:SubmitLease"] = "00:00:10",
        };
        await using var harness = await RunHarness.StartAsync("queue_crash", marts, settings, startScheduler: false);
        var runs = new List<RunRecord>();
        List<RunStatus> atKill;
        using (var doomed = await SchedulerProcess.StartAsync(harness))
        {
            foreach (var mart in marts.Keys)
            {
                runs.Add(await harness.StartRunAsync(mart));
            }

            // Killed with slots held and runs waiting for them.
            atKill = await Eventually.ValueAsync(() => StatesAsync(harness, runs),
                states => states.Count(s => s == RunStatus.Queued) >= 2 && states.Any(s => s == RunStatus.Running),
                "two runs queue behind a running one", interval: TimeSpan.FromMilliseconds(20), describe: states => string.Join(", ", states));

            doomed.Kill();
        }

        output.WriteLine("at the kill: " + string.Join(", ", atKill.GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}")));

        using var fresh = await SchedulerProcess.StartAsync(harness);
        foreach (var run in runs)
        {
            var done = await harness.WaitForTerminalAsync(run.RunId, TimeSpan.FromSeconds(120));
            Assert.True(done.Status == RunStatus.Succeeded, $"{done.Mart} {done.Status}: {done.Error}");
            var submission = Assert.Single(await harness.SubmissionsAsync(run));
            Assert.Equal(1, submission.Executions);
        }

        Assert.Equal(marts.Count, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
        Assert.Equal(marts.Count, await harness.ScalarAsync("SELECT count(DISTINCT note) FROM run_marks"));
        var target = Assert.Single((await harness.Emulator.GetLimitsAsync()).Targets, t => t.WorkgroupName == "wg");
        Assert.InRange(target.PeakActive, 1, 2); // the cap held across the crash: a dead process's slots were not doubled
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
}
