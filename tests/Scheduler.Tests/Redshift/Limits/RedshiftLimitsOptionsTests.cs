using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduler.Marts;
using Scheduler.Redshift.Limits;
using Scheduler.Runs;
using Scheduler.Runs.Queue;
using Scheduler.Runs.Watching;

namespace Scheduler.Tests.Redshift.Limits;

[Trait("Category", "Fast")]
public sealed class RedshiftLimitsOptionsTests
{
    [Fact]
    public void Binding_ReadsTheDefaultTheTargetOverridesAndTheBudgets()
    {
        var options = Bind(new()
        {
            ["Redshift:MaxActiveStatements"] = "120",
            ["Redshift:Targets:analytics:MaxActiveStatements"] = "40",
            ["Redshift:Targets:prod-cluster:MaxActiveStatements"] = "0",
            ["Redshift:Budget:Submit"] = "12",
            ["Redshift:Budget:DescribeStatement"] = "60",
        });

        Assert.Equal(120, options.MaxActiveStatementsFor("other"));
        Assert.Equal(40, options.MaxActiveStatementsFor("analytics"));
        Assert.Equal(0, options.MaxActiveStatementsFor("prod-cluster"));
        Assert.Equal(40, RunSlots.CapOf(options, "workgroup:analytics"));
        Assert.Equal(0, RunSlots.CapOf(options, "cluster:prod-cluster"));
        Assert.Equal(12, options.Budget.Submit);
        Assert.Equal(60, options.Budget.DescribeStatement);
        Assert.Equal(10, options.Budget.CancelStatement);
        Assert.Equal(5, options.Budget.ListStatements);
        Assert.Equal(15, options.Budget.GetStatementResult);
    }

    [Fact]
    public void WatchingDescribeCallsPerSecond_StillSetsTheDescribeBudget_UnlessTheNewKeyIsSet()
    {
        Assert.Equal(33, Bind(new() { ["Watching:DescribeCallsPerSecond"] = "33" }).Budget.DescribeStatement);
        Assert.Equal(44, Bind(new() { ["Watching:DescribeCallsPerSecond"] = "33", ["Redshift:Budget:DescribeStatement"] = "44" }).Budget.DescribeStatement);
        Assert.Equal(80, Bind([]).Budget.DescribeStatement);
    }

    [Fact]
    public void Validate_ListsEveryProblem_NamingTheKey()
    {
        var options = new RedshiftLimitsOptions { MaxActiveStatements = -1, QueueSweepInterval = TimeSpan.Zero };
        options.Targets["wg"] = new RedshiftTargetLimits { MaxActiveStatements = 20_000 };
        options.Budget.Submit = 0;
        options.Budget.DescribeStatement = 0;

        var result = new RedshiftLimitsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var key in new[] { "Redshift:MaxActiveStatements", "Redshift:Targets:wg:MaxActiveStatements", "Redshift:Budget:Submit", "Redshift:Budget:DescribeStatement", "Redshift:QueueSweepInterval" })
        {
            Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SlotKey_TellsAWorkgroupFromAClusterOfTheSameName()
    {
        Assert.Equal("workgroup:a", RunSlots.KeyOf(new Scheduler.Marts.RedshiftTarget("a", null, "dev", null, null)));
        Assert.Equal("cluster:a", RunSlots.KeyOf(new Scheduler.Marts.RedshiftTarget(null, "a", "dev", null, null)));
    }

    private static RedshiftLimitsOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRuns(configuration);
        services.AddRunWatching(configuration); // where the old Watching:* names are read
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RedshiftLimitsOptions>>().Value;
    }
}
