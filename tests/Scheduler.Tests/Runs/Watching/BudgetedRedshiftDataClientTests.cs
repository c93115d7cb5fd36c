using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Redshift.Model;
using Scheduler.Runs.Watching;

namespace Scheduler.Tests.Runs.Watching;

public sealed class BudgetedRedshiftDataClientTests
{
    [Fact]
    public async Task DescribeStatementAsync_WaitsForTheBudget_WhenCalledByAnyoneThroughTheServiceClient()
    {
        // The service's IRedshiftDataClient is what the backstop poll jobs use: it must be gated like the watcher.
        await using var harness = await WatcherHarness.StartAsync("budgeted_client", new Dictionary<string, string?>
        {
            ["DescribeCallsPerSecond"] = "2",
            ["BudgetClaimBatch"] = "1",
        });
        Assert.IsType<BudgetedRedshiftDataClient>(harness.Client);
        var statement = await harness.SubmitAsync(seconds: 0.1);
        var started = TimeProvider.System.GetUtcNow();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            harness.Client.DescribeStatementAsync(new DescribeStatementRequest { Id = statement.StatementId })));

        Assert.All(answers, a => Assert.Equal(statement.StatementId, a.Id));
        Assert.Equal(6, harness.Calls.Total);
        Assert.InRange(harness.Calls.PeakPerSecond, 1, 2);
        // Six calls at two per second need three different seconds: at least two second boundaries, so more than 1 s.
        Assert.True(TimeProvider.System.GetUtcNow() - started > TimeSpan.FromSeconds(1), "The calls were not spread over the budget's seconds.");
    }

    [Fact]
    public void AddRunWatching_Throws_WhenNoRedshiftClientIsRegisteredYet()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Scheduler"] = "Host=127.0.0.1" })
            .Build();

        var exception = Assert.Throws<InvalidOperationException>(() => services.AddRunWatching(configuration));

        Assert.Contains("AddRedshiftDataClient", exception.Message, StringComparison.Ordinal);
    }
}
