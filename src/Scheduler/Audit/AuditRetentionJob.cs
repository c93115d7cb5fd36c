using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Options;

namespace Scheduler.Audit;

/// <summary>
/// Keeps the audit log for <c>Audit:Retention</c>: an hourly Hangfire recurring job (<see cref="RecurringJobId"/>), as
/// the run ledger's retention is, deleting in batches of <c>Audit:PurgeBatchSize</c>.
/// </summary>
[AutomaticRetry(Attempts = 3)]
internal sealed partial class AuditRetentionJob(AuditStore store, IOptions<AuditOptions> options, TimeProvider timeProvider, ILogger<AuditRetentionJob> logger)
{
    /// <summary>The recurring job's id.</summary>
    public const string RecurringJobId = "audit:retention";

    /// <summary>Purges until nothing old is left; returns how many entries were deleted.</summary>
    [DisplayName("Purge old audit entries")]
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var olderThan = timeProvider.GetUtcNow() - settings.Retention;
        var total = 0;
        int deleted;
        do
        {
            deleted = await store.PurgeAsync(olderThan, settings.PurgeBatchSize, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted == settings.PurgeBatchSize);

        if (total > 0)
        {
            LogPurged(logger, total, settings.Retention);
        }

        return total;
    }

    [LoggerMessage(EventId = 2300, Level = LogLevel.Information, Message = "Purged {Count} audit entries (retention {Retention})")]
    private static partial void LogPurged(ILogger logger, int count, TimeSpan retention);
}
