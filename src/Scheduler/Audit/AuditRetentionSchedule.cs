using Hangfire;

namespace Scheduler.Audit;

/// <summary>Registers the hourly <see cref="AuditRetentionJob"/> with Hangfire at start-up (idempotent on every instance).</summary>
internal sealed class AuditRetentionSchedule(IRecurringJobManager recurringJobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<AuditRetentionJob>(AuditRetentionJob.RecurringJobId, job => job.PurgeAsync(CancellationToken.None), Cron.Hourly());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
