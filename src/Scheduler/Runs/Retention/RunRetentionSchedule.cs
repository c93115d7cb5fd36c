using Hangfire;
using Microsoft.Extensions.Hosting;

namespace Scheduler.Runs.Retention;

/// <summary>Registers the hourly <see cref="RunRetentionJob"/> with Hangfire at start-up (idempotent on every instance).</summary>
internal sealed class RunRetentionSchedule(IRecurringJobManager recurringJobs) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurringJobs.AddOrUpdate<RunRetentionJob>(RunRetentionJob.RecurringJobId, job => job.PurgeAsync(CancellationToken.None), Cron.Hourly());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
