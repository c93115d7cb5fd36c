using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Runs;

namespace Scheduler.Tests.Runs;

/// <summary>Two scheduler hosts in one process, each on its own database, must each keep to their own storage.</summary>
public sealed class HangfireIsolationTests
{
    [Fact]
    public async Task SchedulerHosts_KeepJobsAndRecurringJobsInTheirOwnDatabase_WhenBuiltAndStartedTogether()
    {
        static Dictionary<string, string?> Cron(string mart) => new() { [$"Marts:{mart}:Cron"] = "0 0 1 1 *" };
        var both = await Task.WhenAll(
            RunHarness.StartAsync("iso_a", new Dictionary<string, string> { ["alpha"] = "/* emulator: sleep=0.2 */ SELECT 1;" }, Cron("alpha"), startScheduler: false),
            RunHarness.StartAsync("iso_b", new Dictionary<string, string> { ["beta"] = "/* emulator: sleep=0.2 */ SELECT 1;" }, Cron("beta"), startScheduler: false));
        await using var a = both[0];
        await using var b = both[1];

        // The worst interleaving for Hangfire's statics, made certain: both hosts are configured before either
        // resolves its storage, job activator or clients; then both start at once.
        a.App.Services.GetRequiredService<IGlobalConfiguration>();
        b.App.Services.GetRequiredService<IGlobalConfiguration>();
        await Task.WhenAll(a.App.StartAsync(), b.App.StartAsync());

        Assert.NotSame(a.Storage, b.Storage);
        var runs = await Task.WhenAll(a.StartRunAsync("alpha"), b.StartRunAsync("beta"));
        var ended = await Task.WhenAll(a.WaitForTerminalAsync(runs[0].RunId), b.WaitForTerminalAsync(runs[1].RunId));

        // Each run's jobs were performed by its own host's server, in its own container (its own ledger).
        Assert.All(ended, run => Assert.Equal(RunStatus.Succeeded, run.Status));
        Assert.Equal(["mart:alpha"], await RecurringJobIdsAsync(a.SchedulerConnectionString));
        Assert.Equal(["mart:beta"], await RecurringJobIdsAsync(b.SchedulerConnectionString));
        Assert.Equal([runs[0].RunId.ToString()], await RunIdsOfJobsAsync(a.SchedulerConnectionString));
        Assert.Equal([runs[1].RunId.ToString()], await RunIdsOfJobsAsync(b.SchedulerConnectionString));
    }

    private static async Task<List<string>> RecurringJobIdsAsync(string connectionString) =>
        await QueryAsync(connectionString, "SELECT value FROM hangfire.set WHERE key = 'recurring-jobs' AND value LIKE 'mart:%' ORDER BY value");

    // The run ids that this database's Hangfire jobs carry (their first argument), whatever the job.
    private static async Task<List<string>> RunIdsOfJobsAsync(string connectionString) =>
        await QueryAsync(connectionString, "SELECT DISTINCT trim(both '\"' from (arguments::jsonb ->> 0)) FROM hangfire.job ORDER BY 1");

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
