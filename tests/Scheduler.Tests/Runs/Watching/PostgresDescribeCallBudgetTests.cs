using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Database;
using Scheduler.Runs.Watching;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Runs.Watching;

public sealed class PostgresDescribeCallBudgetTests
{
    [Fact]
    public async Task AcquireAsync_NeverGrantsMoreThanTheLimitInAnySecond_WhenTwoInstancesShareTheDatabase()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("budget_two");
        // Two instances = two connection pools and two budgets, as two scheduler processes would have.
        await using var sourceA = await MigratedAsync(connectionString);
        await using var sourceB = await MigratedAsync(connectionString);
        var options = Options.Create(new WatchingOptions { DescribeCallsPerSecond = 20, BudgetClaimBatch = 4 });
        using var budgetA = new PostgresDescribeCallBudget(sourceA, options, TimeProvider.System, NullLogger<PostgresDescribeCallBudget>.Instance);
        using var budgetB = new PostgresDescribeCallBudget(sourceB, options, TimeProvider.System, NullLogger<PostgresDescribeCallBudget>.Instance);

        var grants = new ConcurrentBag<(char Instance, long Second)>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var callers = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            var (name, budget) = i % 2 == 0 ? ('A', budgetA) : ('B', budgetB);
            try
            {
                while (true)
                {
                    await budget.AcquireAsync(stop.Token);
                    grants.Add((name, TimeProvider.System.GetUtcNow().ToUnixTimeSeconds()));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }));
        await Task.WhenAll(callers);

        var perSecond = grants.GroupBy(g => g.Second).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        Assert.All(perSecond, count => Assert.InRange(count, 0, 20));
        // Demand far exceeds the limit, so every whole second in the middle is (nearly) used up.
        var middle = perSecond.Skip(1).SkipLast(1).ToList();
        Assert.NotEmpty(middle);
        Assert.All(middle, count => Assert.InRange(count, 15, 20));
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
        using var budget = new PostgresDescribeCallBudget(source, options, TimeProvider.System, NullLogger<PostgresDescribeCallBudget>.Instance);
        // Drain the budget so the next caller has to wait for a later second.
        using (var drain = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await budget.AcquireAsync(drain.Token);
        }

        var second = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        using var cancel = new CancellationTokenSource();
        var waiting = budget.AcquireAsync(cancel.Token).AsTask();
        if (TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() == second)
        {
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
        else
        {
            // The second rolled over before we could cancel: the wait must then simply succeed.
            await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static async Task<SchedulerDatabase> MigratedAsync(string connectionString)
    {
        var database = new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions { ConnectionString = connectionString }));
        await database.MigrateAsync(CancellationToken.None);
        return database;
    }
}
