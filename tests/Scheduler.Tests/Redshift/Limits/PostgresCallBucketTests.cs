using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Database;
using Scheduler.Redshift.Limits;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Redshift.Limits;

public sealed class PostgresCallBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AcquireAsync_NeverGrantsMoreThanTheLimitInAnySecond_WhenTwoInstancesShareTheDatabase()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("budget_two");
        // Two instances = two connection pools and two budgets, as two scheduler processes would have; one clock, which
        // only this test moves, so "a second" is exactly the test's.
        await using var databaseA = await MigratedAsync(connectionString);
        await using var databaseB = await MigratedAsync(connectionString);
        var time = new FakeTimeProvider(T0);
        using var budgetA = new PostgresCallBucket(databaseA, "DescribeStatement", 20, 4, time, NullLogger.Instance);
        using var budgetB = new PostgresCallBucket(databaseB, "DescribeStatement", 20, 4, time, NullLogger.Instance);

        var grants = new ConcurrentBag<(char Instance, long Second)>();
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            var (name, budget) = i % 2 == 0 ? ('A', budgetA) : ('B', budgetB);
            try
            {
                while (true)
                {
                    await budget.AcquireAsync(stop.Token);
                    grants.Add((name, time.GetUtcNow().ToUnixTimeSeconds()));
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();

        // Demand far exceeds the limit. The tokens of a second are paced through it, so the clock moves in small steps
        // while the test waits for the second to fill up; then on to the next, and no further grant may land in a
        // second already full.
        for (var second = 0; second < 4; second++)
        {
            var current = time.GetUtcNow().ToUnixTimeSeconds();
            await WaitUntilAsync(() =>
                {
                    if (grants.Count(g => g.Second == current) >= 20)
                    {
                        return true;
                    }

                    if (time.GetUtcNow().ToUnixTimeMilliseconds() % 1000 < 840)
                    {
                        time.Advance(TimeSpan.FromMilliseconds(5));
                    }

                    return false;
                },
                () => $"second {second}: {grants.Count(g => g.Second == current)} grants, {grants.Count} in all, {budgetA.Claims + budgetB.Claims} claims, A granted {budgetA.Granted}, B granted {budgetB.Granted}");
            while (time.GetUtcNow().ToUnixTimeSeconds() == current)
            {
                time.Advance(TimeSpan.FromMilliseconds(50));
            }

            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        var perSecond = grants.GroupBy(g => g.Second).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perSecond.Values, count => Assert.InRange(count, 0, 20));
        Assert.InRange(perSecond.Values.Count(count => count == 20), 4, 5);
        Assert.Contains(grants, g => g.Instance == 'A');
        Assert.Contains(grants, g => g.Instance == 'B');
        // Batches keep PostgreSQL traffic well below one round trip per call.
        Assert.True(budgetA.Claims + budgetB.Claims < grants.Count, $"{budgetA.Claims + budgetB.Claims} claims for {grants.Count} calls");
    }

    [Fact]
    public async Task AcquireAsync_PacesTheTokensThroughTheSecond_InsteadOfABurstAtItsStart()
    {
        var server = await PostgresServer.GetAsync();
        await using var database = await MigratedAsync(await server.CreateDatabaseAsync("budget_pace"));
        var time = new FakeTimeProvider(T0);
        // A batch of all ten tokens is claimed at once, yet each may be spent only from its moment: 85 ms apart.
        using var budget = new PostgresCallBucket(database, "Submit", 10, 10, time, NullLogger.Instance);
        var grantedAt = new ConcurrentBag<long>();
        using var stop = new CancellationTokenSource();
        var callers = Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    await budget.AcquireAsync(stop.Token);
                    grantedAt.Add(time.GetUtcNow().ToUnixTimeMilliseconds() - T0.ToUnixTimeMilliseconds());
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();

        // Step the clock 5 ms at a time through the first second, waiting at each step for the grants that are due.
        for (var ms = 0; ms < 1000; ms += 5)
        {
            var due = ms < 850 ? Math.Min(10, ms / 85 + 1) : 10;
            await WaitUntilAsync(() => grantedAt.Count >= due, () => $"{ms} ms: {grantedAt.Count} grants, {due} due");
            Assert.True(grantedAt.Count <= due, $"{ms} ms into the second: {grantedAt.Count} grants, only {due} may be due");
            time.Advance(TimeSpan.FromMilliseconds(5));
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        var firstSecond = grantedAt.Where(t => t < 1000).Order().ToList();
        Assert.Equal(10, firstSecond.Count);
        for (var k = 0; k < firstSecond.Count; k++)
        {
            Assert.InRange(firstSecond[k], k * 85, 849);
        }
    }

    [Fact]
    public async Task AcquireAsync_ThrowsOperationCanceled_WhenCancelledWhileWaitingForTheNextSecond()
    {
        var server = await PostgresServer.GetAsync();
        await using var database = await MigratedAsync(await server.CreateDatabaseAsync("budget_cancel"));
        using var budget = new PostgresCallBucket(database, "DescribeStatement", 1, 1, new FakeTimeProvider(T0), NullLogger.Instance);
        // Drain the second's budget; the clock never moves, so the next caller waits until cancelled.
        await budget.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task PostgresCallBudget_ChargesExecuteAndBatchExecuteToOneSubmitBudget()
    {
        var server = await PostgresServer.GetAsync();
        await using var database = await MigratedAsync(await server.CreateDatabaseAsync("budget_submit"));
        var options = new RedshiftLimitsOptions();
        options.Budget.Submit = 2;
        options.Budget.ClaimBatch = 2;
        using var budget = new PostgresCallBudget(database, Options.Create(options), new FakeTimeProvider(T0), NullLoggerFactory.Instance);

        // Both submit operations draw on the same two tokens of the second; the next waits.
        await budget.AcquireAsync("ExecuteStatement", CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource();
        var second = budget.AcquireAsync("BatchExecuteStatement", cancel.Token).AsTask();
        // Its token's moment (425 ms into the second) never comes on the frozen clock: it waits until cancelled.
        Assert.Equal(2, budget.Buckets[PostgresCallBudget.Submit].Limit);
        Assert.Same(budget.Buckets["DescribeStatement"], budget.Describe);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }

    // The fake clock moves in 5 ms steps inside the conditions: look often so the test does not crawl.
    private static Task WaitUntilAsync(Func<bool> condition, Func<string> state) =>
        Eventually.HoldsAsync(condition, "the due grants land", interval: TimeSpan.FromMilliseconds(5), lastSeen: state);

    private static async Task<SchedulerDatabase> MigratedAsync(string connectionString)
    {
        var database = new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions { ConnectionString = connectionString }));
        await database.MigrateAsync(CancellationToken.None);
        return database;
    }
}
