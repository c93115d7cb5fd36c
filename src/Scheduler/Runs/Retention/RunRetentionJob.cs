using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Runs.Store;

namespace Scheduler.Runs.Retention;

/// <summary>
/// Keeps the ledger bounded: deletes ended runs older than <c>Runs:Retention</c> (Skipped ones older than
/// <c>Runs:SkippedRetention</c>) in batches of <c>Runs:PurgeBatchSize</c>, so no statement holds locks for long. A
/// recurring job (<see cref="RecurringJobId"/>, hourly); active runs are never touched.
/// </summary>
[AutomaticRetry(Attempts = 3)]
internal sealed partial class RunRetentionJob(RunStore ledger, IOptions<RunsOptions> options, TimeProvider timeProvider, ILogger<RunRetentionJob> logger)
{
    /// <summary>The recurring job's id.</summary>
    public const string RecurringJobId = "runs:retention";

    /// <summary>Purges until nothing old is left; returns how many runs were deleted.</summary>
    [DisplayName("Purge old runs")]
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var settings = options.Value;
        var total = 0;
        int deleted;
        do
        {
            deleted = await ledger.PurgeAsync(now - settings.Retention, now - settings.SkippedRetention, settings.PurgeBatchSize, cancellationToken)
                .ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == settings.PurgeBatchSize);

        if (total > 0)
        {
            LogPurged(logger, total, settings.Retention, settings.SkippedRetention);
        }

        return total;
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "Purged {Count} runs from the ledger (retention {Retention}, skipped {SkippedRetention})")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan retention, TimeSpan skippedRetention);
}
