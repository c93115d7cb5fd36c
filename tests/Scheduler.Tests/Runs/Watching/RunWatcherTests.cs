using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Redshift.Limits;
using Scheduler.Runs.Watching;
using Scheduler.Testing;

namespace Scheduler.Tests.Runs.Watching;

public sealed class RunWatcherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ExecuteAsync_RecordsTheFinishFromTheLongPollOpenWhenItEnds_WhenTheStatementEnds()
    {
        await using var harness = await WatcherHarness.StartAsync("watcher_finish", new Dictionary<string, string?>());
        harness.Recorder.RemoveFrom = harness.Active;
        var statement = await harness.SubmitAsync(seconds: 2);

        await harness.StartWatcherAsync();
        await WaitUntilAsync(() => harness.Recorder.Recorded.ContainsKey(statement.StatementId));

        var (response, _, times) = harness.Recorder.Recorded[statement.StatementId];
        Assert.Equal("FINISHED", response.Status);
        Assert.Equal(1, times);
        // One long poll (30 s) covers the whole 2 s statement and returns with its end: nothing polls in between.
        Assert.InRange(harness.Calls.Total, 1, 2);
    }

    [Fact]
    public async Task ExecuteAsync_StaysWithinTheBudget_WhenMoreStatementsWaitThanItAllows()
    {
        await using var harness = await WatcherHarness.StartAsync("watcher_budget", new Dictionary<string, string?>
        {
            ["DescribeCallsPerSecond"] = "8",
            ["BudgetClaimBatch"] = "2",
            ["WaitTimeSeconds"] = "1",
        });
        harness.Recorder.RemoveFrom = harness.Active;
        var statements = new List<ActiveStatement>();
        for (var i = 0; i < 40; i++)
        {
            statements.Add(await harness.SubmitAsync(seconds: 1 + (i % 3)));
        }

        await harness.StartWatcherAsync();
        await WaitUntilAsync(() => statements.All(s => harness.Recorder.Recorded.ContainsKey(s.StatementId)));

        // 40 one-second long polls would want 40 calls/s; the budget allows 8, and every call took a token of it (the
        // per-second cap itself is PostgresCallBucketTests' subject).
        var budget = harness.Services.GetRequiredService<Scheduler.Redshift.Limits.PostgresCallBudget>().Describe;
        Assert.InRange(harness.Calls.Total, 40, budget.Granted);
        Assert.All(statements, s => Assert.Equal("FINISHED", harness.Recorder.Recorded[s.StatementId].Response.Status));
    }

    [Fact]
    public async Task ExecuteAsync_StopsPolling_WhenTheRunLeavesTheActiveList()
    {
        await using var harness = await WatcherHarness.StartAsync("watcher_leave", new Dictionary<string, string?> { ["WaitTimeSeconds"] = "1" });
        var statement = await harness.SubmitAsync(seconds: 60);
        await harness.StartWatcherAsync();
        await WaitUntilAsync(() => harness.Calls.Total >= 2);

        // Ended elsewhere (a backstop poll or another instance recorded it): the ledger no longer lists it.
        harness.Active.Remove(statement);
        // Not watched and no long poll open: nothing is left that could ask about it again (a queued entry of a removed
        // watch is skipped when it comes up).
        await WaitUntilAsync(() => harness.Watcher.GetStatistics() is { Watched: 0, Polling: 0 });

        Assert.Empty(harness.Recorder.Recorded);
    }

    [Fact]
    public async Task ExecuteAsync_RecordsAgain_WhenRecordingFailedOnce()
    {
        await using var harness = await WatcherHarness.StartAsync("watcher_retry", new Dictionary<string, string?> { ["ErrorBackoff"] = "00:00:00.100" });
        harness.Recorder.RemoveFrom = harness.Active;
        harness.Recorder.FailNext = 1;
        var statement = await harness.SubmitAsync(seconds: 1);

        await harness.StartWatcherAsync();
        await WaitUntilAsync(() => harness.Recorder.Recorded.ContainsKey(statement.StatementId));

        Assert.Equal("FINISHED", harness.Recorder.Recorded[statement.StatementId].Response.Status);
        Assert.True(harness.Watcher.GetStatistics().Errors >= 1);
    }

    [Fact]
    public async Task ExecuteAsync_WatchesTheOverdueStatementFirst_WhenTheBudgetCannotCoverAll()
    {
        // One call per second: the statement past its expected finish must get it before ten that are far from theirs.
        await using var harness = await WatcherHarness.StartAsync("watcher_priority", new Dictionary<string, string?>
        {
            ["DescribeCallsPerSecond"] = "1",
            ["BudgetClaimBatch"] = "1",
            ["WaitTimeSeconds"] = "30",
        });
        harness.Recorder.RemoveFrom = harness.Active;
        for (var i = 0; i < 10; i++)
        {
            await harness.SubmitAsync(seconds: 120, expected: TimeSpan.FromHours(1));
        }

        var overdue = await harness.SubmitAsync(seconds: 2, expected: TimeSpan.FromSeconds(1));

        await harness.StartWatcherAsync();
        await WaitUntilAsync(() => harness.Recorder.Recorded.ContainsKey(overdue.StatementId));

        // The one token of each second went to the overdue statement first, before any of the ten.
        Assert.Equal(overdue.StatementId, harness.Calls.FirstAsked[0]);
        Assert.Equal("FINISHED", harness.Recorder.Recorded[overdue.StatementId].Response.Status);
    }

    private static Task WaitUntilAsync(Func<bool> condition, [CallerArgumentExpression(nameof(condition))] string what = "") =>
        Eventually.HoldsAsync(condition, what, Deadline, TimeSpan.FromMilliseconds(50));
}
