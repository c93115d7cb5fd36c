using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scheduler.Database;
using Scheduler.Runs.Watching;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Runs.Watching;

public sealed class PostgresDescribeCallBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AcquireAsync_NeverGrantsMoreThanTheLimitInAnySecond_WhenTwoInstancesShareTheDatabase()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("budget_two");
        // Two instances = two connection pools and two budgets, as two scheduler processes would have; one clock, which
        // only this test moves, so "a second" is exactly the test's.
        await using var sourceA = await MigratedAsync(connectionString);
        await using var sourceB = await MigratedAsync(connectionString);
        var time = new FakeTimeProvider(T0);
        var options = Options.Create(new WatchingOptions { DescribeCallsPerSecond = 20, BudgetClaimBatch = 4 });
        using var budgetA = new PostgresDescribeCallBudget(sourceA, options, time, NullLogger<PostgresDescribeCallBudget>.Instance);
        using var budgetB = new PostgresDescribeCallBudget(sourceB, options, time, NullLogger<PostgresDescribeCallBudget>.Instance);

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

        // Demand far exceeds the limit: each second fills up to the limit, then the clock moves on (in steps, as the
        // budget's own timers expect), and no further grant may land in a second already full.
        for (var second = 0; second < 4; second++)
        {
            var current = time.GetUtcNow().ToUnixTimeSeconds();
            await WaitUntilAsync(() => grants.Count(g => g.Second == current) >= 20,
                () => $"second {second}: {grants.Count(g => g.Second == current)} grants, {grants.Count} in all, {budgetA.Claims + budgetB.Claims} claims, A granted {budgetA.Granted}, B granted {budgetB.Granted}");
            while (time.GetUtcNow().ToUnixTimeSeconds() == current)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
            }

            // The budget waits until just past the start of the next second (a token must not be spent at its edge).
            time.Advance(TimeSpan.FromMilliseconds(50));
        }

        await stop.CancelAsync();
        await Task.WhenAll(callers);

        var perSecond = grants.GroupBy(g => g.Second).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(perSecond.Values, count => Assert.InRange(count, 0, 20));
        // The four seconds the test waited on are full (the one it moved into last may fill up before the callers stop).
        Assert.InRange(perSecond.Values.Count(count => count == 20), 4, 5);
        Assert.Contains(grants, g => g.Instance == 'A');
        Assert.Contains(grants, g => g.Instance == 'B');
        // Batches keep PostgreSQL traffic well below one round trip per call.
        Assert.True(budgetA.Claims + budgetB.Claims < grants.Count, $"{budgetA.Claims + budgetB.Claims} claims for {grants.Count} calls");
    }

    [Fact]
    public async Task AcquireAsync_ThrowsOperationCanceled_WhenCancelledWhileWaitingForTheNextSecond()
    {
        var server = await PostgresServer.GetAsync();
        await using var source = await MigratedAsync(await server.CreateDatabaseAsync("budget_cancel"));
        var options = Options.Create(new WatchingOptions { DescribeCallsPerSecond = 1, BudgetClaimBatch = 1 });
        using var budget = new PostgresDescribeCallBudget(source, options, new FakeTimeProvider(T0), NullLogger<PostgresDescribeCallBudget>.Instance);
        // Drain the second's budget; the clock never moves, so the next caller waits until cancelled.
        await budget.AcquireAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        using var cancel = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> state)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (!condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "The condition did not hold within the deadline: " + state());
            await Task.Delay(20);
        }
    }

    private static async Task<SchedulerDatabase> MigratedAsync(string connectionString)
    {
        var database = new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions { ConnectionString = connectionString }));
        await database.MigrateAsync(CancellationToken.None);
        return database;
    }
}
