using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;
using Scheduler.Scheduling;
using Scheduler.Testing;

namespace Scheduler.Tests.Runs;

public sealed class MartScheduleSyncTests
{
    [Fact]
    public async Task StartUp_SchedulesEnabledCronMartsOnly_AndRemovesStaleSchedules_ThenCronRunsStart()
    {
        await using var harness = await RunHarness.StartAsync("runs_cron",
            new Dictionary<string, string> { ["every"] = "SELECT 1;", ["off"] = "SELECT 2;", ["manual"] = "SELECT 3;" },
            new Dictionary<string, string?>
            {
                ["Marts:every:Cron"] = "*/2 * * * * *",
                ["Marts:every:TimeZone"] = "Europe/Amsterdam",
                ["Marts:off:Cron"] = "0 3 * * *",
                ["Marts:off:Enabled"] = "false",
            },
            startScheduler: false);

        // Left over from an earlier configuration: a mart that is gone, and one that is now disabled.
        var manager = harness.App.Services.GetRequiredService<IRecurringJobManager>();
        manager.AddOrUpdate<CronTriggerJob>("mart:gone", job => job.TriggerAsync("gone", null, CancellationToken.None), Cron.Daily());
        manager.AddOrUpdate<CronTriggerJob>("mart:off", job => job.TriggerAsync("off", null, CancellationToken.None), Cron.Daily());
        manager.AddOrUpdate<CronTriggerJob>("not-a-mart", job => job.TriggerAsync("x", null, CancellationToken.None), Cron.Never());
        await harness.App.StartAsync();

        List<RecurringJobDto> recurring;
        using (var connection = harness.Storage.GetConnection())
        {
            recurring = connection.GetRecurringJobs();
        }

        var every = Assert.Single(recurring, r => r.Id.StartsWith("mart:", StringComparison.Ordinal));
        Assert.Equal("mart:every", every.Id);
        Assert.Equal("*/2 * * * * *", every.Cron);
        Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam").Id, every.TimeZoneId);
        Assert.Contains(recurring, r => r.Id == "not-a-mart");

        var runs = await Eventually.ValueAsync(() => harness.Ledger.ListAsync("every", RunStatus.Succeeded, 10, CancellationToken.None),
            found => found.Count > 0, "the cron mart 'every' has a Succeeded run", describe: found => $"{found.Count} runs");

        var run = Assert.Single(runs.Take(1));
        Assert.Equal(RunTrigger.Cron, run.Trigger);
        Assert.Empty(await harness.Ledger.ListAsync("off", null, 10, CancellationToken.None));
        Assert.Empty(await harness.Ledger.ListAsync("manual", null, 10, CancellationToken.None));
    }
}
