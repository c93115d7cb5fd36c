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
        bool more;
        do
        {
            // A full batch means more may be left, whether or not each row was deleted: one that changed since it was
            // read keeps its place and is read again (at its new version) by the next batch.
            var found = await ledger.ListPurgeableAsync(now - settings.Retention, now - settings.SkippedRetention, settings.PurgeBatchSize, cancellationToken)
                .ConfigureAwait(false);
            total += await ledger.DeleteAsync(found, cancellationToken).ConfigureAwait(false);
            more = found.Count == settings.PurgeBatchSize;
        }
        while (more);

        if (total > 0)
        {
            LogPurged(logger, total, settings.Retention, settings.SkippedRetention);
        }

        return total;
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Information, Message = "Purged {Count} runs from the ledger (retention {Retention}, skipped {SkippedRetention})")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan retention, TimeSpan skippedRetention);
}
