using Npgsql;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;
using Scheduler.Testing;
using Scheduler.Tests.Alerts;
using Scheduler.Tests.Marts;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Dependencies;

/// <summary>Mart dependencies end to end: the real scheduler, Hangfire and the emulator.</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class DependencyRunTests
{
    private static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    private static string Mark(string mart) => $"INSERT INTO public.run_marks (note) VALUES ('{mart}|' || :run_date);";

    [Fact]
    public async Task Chain_RunsEachMartAfterItsUpstream_ForTheSameLogicalDate()
    {
        await using var harness = await RunHarness.StartAsync("deps_chain",
            new Dictionary<string, string> { ["a"] = Mark("a"), ["b"] = Mark("b"), ["c"] = Mark("c") },
            new Dictionary<string, string?> { ["Marts:b:DependsOn:0"] = "a", ["Marts:c:DependsOn:0"] = "b" });

        var started = await harness.Trigger.TriggerAsync("a", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1, Downstream = true }, CancellationToken.None);
        var a = await harness.WaitForTerminalAsync(started.Run!.RunId);
        var c = await WaitForOnlyRunAsync(harness, "c");
        var b = await WaitForOnlyRunAsync(harness, "b");

        foreach (var run in new[] { a, b, c })
        {
            Assert.True(run.Status == RunStatus.Succeeded, $"{run.Mart}: {run.Status} {run.Error}");
            Assert.Equal(Dec1, run.LogicalDate);
        }

        Assert.Equal(RunTrigger.Upstream, b.Trigger);
        Assert.Equal([a.RunId], b.UpstreamRunIds);
        Assert.Equal([b.RunId], c.UpstreamRunIds);
        Assert.True(b.Downstream && c.Downstream);
        Assert.True(b.CreatedAt >= a.CompletedAt && c.CreatedAt >= b.CompletedAt, "each run starts after its upstream ended");
        Assert.Equal(1, await harness.ScalarAsync(
            "SELECT count(*) FROM (SELECT string_agg(note, ',' ORDER BY id) AS notes FROM public.run_marks) m " +
            "WHERE notes = 'a|2026-12-01,b|2026-12-01,c|2026-12-01'"));
        var downstreamOfA = await harness.Ledger.ListDownstreamOfAsync(a.RunId, CancellationToken.None);
        Assert.Equal(b.RunId, Assert.Single(downstreamOfA).RunId);
    }

    [Fact]
    public async Task ManualRun_WithoutDownstream_StartsNoDependant()
    {
        await using var harness = await RunHarness.StartAsync("deps_manual",
            new Dictionary<string, string> { ["a"] = Mark("a"), ["b"] = Mark("b") },
            new Dictionary<string, string?> { ["Marts:b:DependsOn:0"] = "a" });

        var a = await harness.WaitForTerminalAsync((await harness.StartRunAsync("a")).RunId);
        Assert.Equal(RunStatus.Succeeded, a.Status);
        await Eventually.HoldsAsync(async () => await UnhandledAsync(harness) == 0, "the sweep handled every ended run", TimeSpan.FromSeconds(60));

        Assert.Empty(await harness.Ledger.ListAsync("b", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task FailedUpstream_SkipsItsDependantsTransitively_NamingTheRootCause_AndSendsNothingForThem()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var harness = await RunHarness.StartAsync("deps_fail",
            new Dictionary<string, string> { ["x"] = "SELECT 1/0;", ["d"] = Mark("d"), ["e"] = Mark("e") },
            new Dictionary<string, string?>
            {
                ["Marts:d:DependsOn:0"] = "x",
                ["Marts:e:DependsOn:0"] = "d",
                ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            });

        var started = await harness.Trigger.TriggerAsync("x", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1, Downstream = true }, CancellationToken.None);
        var x = await harness.WaitForTerminalAsync(started.Run!.RunId);
        var d = await WaitForOnlyRunAsync(harness, "d");
        var e = await WaitForOnlyRunAsync(harness, "e");

        Assert.Equal(RunStatus.Failed, x.Status);
        Assert.Null(x.RetryAt);
        Assert.Equal(RunStatus.Skipped, d.Status);
        Assert.Equal(RunTrigger.Upstream, d.Trigger);
        Assert.Equal(Dec1, d.LogicalDate);
        Assert.Contains("upstream mart 'x'", d.Error, StringComparison.Ordinal);
        Assert.Contains(x.RunId.ToString("D"), d.Error, StringComparison.Ordinal);
        Assert.Contains("ended Failed", d.Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Skipped, e.Status);
        Assert.Contains("upstream mart 'd'", e.Error, StringComparison.Ordinal);
        Assert.Contains($"upstream mart 'x' run {x.RunId:D}", e.Error, StringComparison.Ordinal); // the root cause
        Assert.Empty(await harness.SubmissionsAsync(d));
        Assert.Empty(await harness.SubmissionsAsync(e));
        Assert.Single(await harness.Emulator.GetStatementsAsync()); // x's only
        Assert.Equal(0, await harness.ScalarAsync("SELECT count(*) FROM public.run_marks"));

        // One alert, for the root cause; the skipped dependants raise none.
        var alert = await listener.NextAsync(TimeSpan.FromSeconds(60));
        Assert.Contains(x.RunId.ToString("D"), alert.Body, StringComparison.Ordinal);
        await Eventually.HoldsAsync(async () => await UnhandledAsync(harness) == 0, "the sweep handled every ended run", TimeSpan.FromSeconds(60));
        Assert.Equal(1, listener.Count);
    }

    [Fact]
    public async Task Diamond_RunsTheBottomOnce_AfterBothSides()
    {
        await using var harness = await RunHarness.StartAsync("deps_diamond",
            new Dictionary<string, string>
            {
                ["a"] = Mark("a"),
                ["b"] = "/* emulator: sleep=2 */ SELECT 1;\n" + Mark("b"),
                ["c"] = Mark("c"),
                ["d"] = Mark("d"),
            },
            new Dictionary<string, string?>
            {
                ["Marts:b:DependsOn:0"] = "a",
                ["Marts:c:DependsOn:0"] = "a",
                ["Marts:d:DependsOn:0"] = "b",
                ["Marts:d:DependsOn:1"] = "c",
            });

        var started = await harness.Trigger.TriggerAsync("a", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1, Downstream = true }, CancellationToken.None);
        await harness.WaitForTerminalAsync(started.Run!.RunId);
        var d = await WaitForOnlyRunAsync(harness, "d");
        var b = await WaitForOnlyRunAsync(harness, "b");
        var c = await WaitForOnlyRunAsync(harness, "c");
        // Every ended run's dependants handled (job and sweep both had their chance): still one run of d.
        await Eventually.HoldsAsync(async () => await UnhandledAsync(harness) == 0, "the sweep handled every ended run", TimeSpan.FromSeconds(60));

        Assert.Single(await harness.Ledger.ListAsync("d", null, 10, CancellationToken.None));
        Assert.Equal(RunStatus.Succeeded, d.Status);
        Assert.Equal(new[] { b.RunId, c.RunId }.Order(), d.UpstreamRunIds.Order());
        Assert.True(d.CreatedAt >= b.CompletedAt && d.CreatedAt >= c.CompletedAt, "d starts after both b and c ended");
        Assert.Equal(1, await harness.ScalarAsync("SELECT count(*) FROM public.run_marks WHERE note LIKE 'd|%'"));
    }

    /// <summary>Waits until the mart has exactly one run and it ended; fails if a second one appears meanwhile.</summary>
    internal static async Task<RunRecord> WaitForOnlyRunAsync(RunHarness harness, string mart)
    {
        RunSummary? only = null;
        await Eventually.HoldsAsync(async () =>
        {
            var runs = await harness.Ledger.ListAsync(mart, null, 10, CancellationToken.None);
            Assert.True(runs.Count <= 1, $"mart {mart} has {runs.Count} runs");
            only = runs.Count == 1 && runs[0].Status.IsTerminal() ? runs[0] : null;
            return only is not null;
        }, $"one ended run of {mart}", TimeSpan.FromSeconds(90));
        return (await harness.Ledger.GetAsync(only!.RunId, CancellationToken.None))!;
    }

    /// <summary>Ended runs that start dependants and whose dependants were not handled yet.</summary>
    internal static async Task<long> UnhandledAsync(RunHarness harness)
    {
        await using var dataSource = NpgsqlDataSource.Create(harness.SchedulerConnectionString);
        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM scheduler.runs WHERE downstream AND propagated_at IS NULL AND status NOT IN ('Submitting', 'Running', 'Cancelling')");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
