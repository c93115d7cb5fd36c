using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Database;
using Scheduler.Runs;
using Scheduler.Runs.Retention;
using Scheduler.Runs.Store;

namespace Scheduler.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class RunStoreRegistrationTests
{
    [Fact]
    public async Task AddRuns_HandsTheStoreToRetention_ButNotToWhoeverAsksTheContainer()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Scheduler"] = "Host=127.0.0.1;Database=unused" })
            .Build();
        await using var provider = new ServiceCollection().AddLogging().AddSchedulerDatabase(configuration).AddRuns(configuration)
            .BuildServiceProvider();

        var retention = provider.GetService<RunRetentionJob>();

        Assert.NotNull(retention);
        Assert.Null(provider.GetService<RunStore>());
        Assert.NotNull(provider.GetService<IRunQueries>());
        Assert.NotNull(provider.GetService<RunSweepQueries>());
    }
}
