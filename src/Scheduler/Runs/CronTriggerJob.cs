using System.ComponentModel;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;

namespace Scheduler.Runs;

/// <summary>
/// The job each mart's recurring job creates at its cron times. The Hangfire job id is the trigger key, so if this
/// job runs twice (a crash, a retry) it still starts one run.
/// </summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [1, 2, 5, 10, 30], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed partial class CronTriggerJob(RunControl runner, ILogger<CronTriggerJob> logger)
{
    /// <summary>Starts a cron run of the mart (or records it Skipped).</summary>
    /// <param name="martName">The mart.</param>
    /// <param name="context">Hangfire's context (pass null when scheduling; Hangfire fills it).</param>
    /// <param name="cancellationToken">Hangfire's shutdown token.</param>
    [DisplayName("Trigger mart {0}")]
    public async Task TriggerAsync(string martName, PerformContext? context, CancellationToken cancellationToken)
    {
        var key = context is null ? null : $"hangfire:{context.BackgroundJob.Id}";
        var result = await runner.TriggerAsync(martName, RunTrigger.Cron, key, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == TriggerOutcome.UnknownMart)
        {
            LogUnknownMart(logger, martName);
        }
    }

    [LoggerMessage(EventId = 1500, Level = LogLevel.Warning, Message = "Recurring trigger for mart {Mart}, which is no longer configured; ignored")]
    private static partial void LogUnknownMart(ILogger logger, string mart);
}
