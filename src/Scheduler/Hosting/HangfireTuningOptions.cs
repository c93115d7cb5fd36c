using Hangfire;
using Hangfire.PostgreSql;

namespace Scheduler.Hosting;

/// <summary>
/// Hangfire settings under <c>Hangfire:*</c>, tuned for runs that hop between short delayed poll jobs. Hangfire's
/// defaults (15 s scheduler and queue polling, 30 min invisibility) would add up to 30 s to every poll and delay crash
/// recovery by half an hour.
/// </summary>
internal sealed class HangfireTuningOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Hangfire";

    /// <summary>How often due delayed jobs (polls) and recurring jobs are enqueued. Default 1 s (Hangfire: 15 s).</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an idle worker looks for enqueued jobs of another process. Default 1 s (Hangfire.PostgreSql: 15 s).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a fetched job stays invisible to other workers without a heartbeat. Sliding: a live server refreshes
    /// it every fifth of this, so a job of a killed server is picked up again within about this long. Default 1 min.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Age after which a distributed lock row of a dead server is broken. Default 1 min (Hangfire.PostgreSql: 10 min).</summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often expired jobs are deleted. Default 5 min (Hangfire.PostgreSql: 1 h).</summary>
    public TimeSpan JobExpirationCheckInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Workers in this process; null keeps Hangfire's default (5 per core, at most 20).</summary>
    public int? WorkerCount { get; set; }

    /// <summary>LISTEN/NOTIFY so another process's worker wakes at once (one extra connection per idle worker). Default false.</summary>
    public bool EnableLongPolling { get; set; }

    /// <summary>Applies the storage settings.</summary>
    public void ApplyTo(PostgreSqlStorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        storage.QueuePollInterval = QueuePollInterval;
        storage.InvisibilityTimeout = InvisibilityTimeout;
        storage.UseSlidingInvisibilityTimeout = true;
        storage.DistributedLockTimeout = DistributedLockTimeout;
        storage.JobExpirationCheckInterval = JobExpirationCheckInterval;
        storage.EnableLongPolling = EnableLongPolling;
    }

    /// <summary>Applies the server settings.</summary>
    public void ApplyTo(BackgroundJobServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.SchedulePollingInterval = SchedulePollingInterval;
        if (WorkerCount is { } workers)
        {
            server.WorkerCount = workers;
        }
    }
}
