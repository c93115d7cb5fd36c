using Scheduler.Runs.Watching;

namespace Scheduler.Tests.Runs.Watching;

public sealed class RunWatcherTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ExecuteAsync_RecordsTheFinishWithinASecond_WhenTheStatementEnds()
    {
        await using var harness = await WatcherHarness.StartAsync("watcher_finish", new Dictionary<string, string?>());
        harness.Recorder.RemoveFrom = harness.Active;
        var statement = await harness.SubmitAsync(seconds: 2);

        await harness.StartWatcherAsync();
        await WaitUntilAsync(() => harness.Recorder.Recorded.ContainsKey(statement.StatementId));

        var (response, at, times) = harness.Recorder.Recorded[statement.StatementId];
        Assert.Equal("FINISHED", response.Status);
        Assert.Equal(1, times);
        var delay = at - response.UpdatedAt!.Value;
        Assert.InRange(delay, TimeSpan.FromSeconds(-0.5), TimeSpan.FromSeconds(1));
        // One long poll covers the whole 2 s statement.
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

        // 40 one-second long polls would want 40 calls/s; the budget allows 8.
        Assert.InRange(harness.Calls.PeakPerSecond, 1, 8);
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
        await WaitUntilAsync(() => harness.Watcher.GetStatistics().Watched == 0);
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // let a poll already open return
        var calls = harness.Calls.Total;
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Equal(calls, harness.Calls.Total);
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

        var (response, at, _) = harness.Recorder.Recorded[overdue.StatementId];
        Assert.InRange(at - response.UpdatedAt!.Value, TimeSpan.FromSeconds(-0.5), TimeSpan.FromSeconds(1));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Deadline;
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "The condition did not hold within the deadline.");
            await Task.Delay(50);
        }
    }
}
