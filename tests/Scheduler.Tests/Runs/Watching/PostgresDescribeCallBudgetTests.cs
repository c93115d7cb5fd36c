using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
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
        await using var sourceA = NpgsqlDataSource.Create(connectionString);
        await using var sourceB = NpgsqlDataSource.Create(connectionString);
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
        await using var source = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("budget_cancel"));
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

    [Fact]
    public async Task EnsureSchemaAsync_Succeeds_WhenManyInstancesCreateTheTableAtOnce()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("budget_schema");
        var sources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        var options = Options.Create(new WatchingOptions());
        var budgets = sources.Select(s => new PostgresDescribeCallBudget(s, options, TimeProvider.System, NullLogger<PostgresDescribeCallBudget>.Instance)).ToList();
        try
        {
            await Task.WhenAll(budgets.Select(b => b.EnsureSchemaAsync(CancellationToken.None)));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await budgets[0].AcquireAsync(timeout.Token);
        }
        finally
        {
            budgets.ForEach(b => b.Dispose());
            foreach (var source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }
}
