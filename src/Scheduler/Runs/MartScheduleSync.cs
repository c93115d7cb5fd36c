using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scheduler.Marts;

namespace Scheduler.Runs;

/// <summary>
/// At start-up, makes Hangfire's recurring jobs match the configuration: one <c>mart:&lt;name&gt;</c> job per enabled
/// mart with a cron expression (in its time zone), updated when either changes; removed when the mart disappears,
/// is disabled or becomes manual-only. Recurring jobs not named <c>mart:*</c> are left alone.
/// </summary>
public sealed partial class MartScheduleSync(
    IMartCatalog catalog,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    ILogger<MartScheduleSync> logger) : IHostedService
{
    /// <summary>The prefix of the recurring job ids this class owns.</summary>
    public const string JobIdPrefix = "mart:";

    /// <summary>The recurring job id of a mart.</summary>
    public static string JobIdFor(string martName) => JobIdPrefix + martName;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Sync();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Adds, updates and removes the marts' recurring jobs.</summary>
    public void Sync()
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mart in catalog.Marts)
        {
            if (!mart.Enabled || mart.Cron is null)
            {
                continue;
            }

            var id = JobIdFor(mart.Name);
            wanted.Add(id);
            var name = mart.Name;
            recurringJobs.AddOrUpdate<CronTriggerJob>(id, job => job.TriggerAsync(name, null, CancellationToken.None), mart.Cron,
                new RecurringJobOptions { TimeZone = mart.TimeZone, MisfireHandling = MisfireHandlingMode.Relaxed });
            LogScheduled(logger, mart.Name, mart.Cron, mart.TimeZone.Id);
        }

        using var connection = storage.GetConnection();
        foreach (var existing in connection.GetRecurringJobs())
        {
            if (existing.Id.StartsWith(JobIdPrefix, StringComparison.Ordinal) && !wanted.Contains(existing.Id))
            {
                recurringJobs.RemoveIfExists(existing.Id);
                LogRemoved(logger, existing.Id);
            }
        }
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Mart {Mart} scheduled: '{Cron}' in {TimeZone}")]
    private static partial void LogScheduled(ILogger logger, string mart, string cron, string timeZone);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Recurring job {JobId} removed: its mart is gone, disabled or manual-only")]
    private static partial void LogRemoved(ILogger logger, string jobId);
}
