using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Marts.Calendar;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;

namespace Scheduler.Scheduling;

/// <summary>
/// The job each mart's recurring job creates at its cron times. Its logical date is the slot Hangfire fired it for (the
/// job parameter <c>Time</c>), and the slot is its trigger key, so if this job runs twice (a crash, a retry), or
/// catch-up reaches the same slot, it still starts one run.
/// </summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [1, 2, 5, 10, 30], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed partial class CronTriggerJob(RunControl runner, IMartCatalog catalog, TimeProvider timeProvider, ILogger<CronTriggerJob> logger)
{
    /// <summary>Starts a cron run of the mart (or records it Skipped).</summary>
    /// <param name="martName">The mart.</param>
    /// <param name="context">Hangfire's context (pass null when scheduling; Hangfire fills it).</param>
    /// <param name="cancellationToken">Hangfire's shutdown token.</param>
    [DisplayName("Trigger mart {0}")]
    public async Task TriggerAsync(string martName, PerformContext? context, CancellationToken cancellationToken)
    {
        var request = new RunRequest(RunTrigger.Cron) { Downstream = true };
        var time = context?.GetJobParameter<long?>("Time", allowStale: true);
        var slot = time is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
        if (slot is { } fired && catalog.Find(martName) is { } mart && MartCalendar.IsFireTime(mart, fired))
        {
            request = request with { LogicalDate = fired, TriggerKey = TriggerKeys.CronSlot(martName, fired) };
        }
        else
        {
            // Hangfire's "Trigger now" on the recurring job: not a slot of the schedule, so it is for the time it was asked.
            request = request with
            {
                LogicalDate = slot ?? timeProvider.GetUtcNow(),
                TriggerKey = context is null ? null : $"hangfire:{context.BackgroundJob.Id}",
            };
        }

        var result = await runner.TriggerAsync(martName, request, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == TriggerOutcome.UnknownMart)
        {
            LogUnknownMart(logger, martName);
        }
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Recurring trigger for mart {Mart}, which is no longer configured; ignored")]
    private static partial void LogUnknownMart(ILogger logger, string mart);
}
