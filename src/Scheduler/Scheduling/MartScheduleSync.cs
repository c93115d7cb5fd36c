using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Scheduler.Background;
using Scheduler.Database;
using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Runs;

namespace Scheduler.Scheduling;

/// <summary>
/// Makes Hangfire's recurring jobs match the live catalog: one <c>mart:&lt;name&gt;</c> job per enabled mart with a
/// cron expression in force (a stale mart keeps its last valid schedule), updated when its cron or time zone changes,
/// removed when the mart disappears, is disabled or becomes manual-only. Recurring jobs not named <c>mart:*</c> are
/// left alone. Runs at start-up, after every catalog change and on every rescan (a cheap comparison), on every
/// instance; a PostgreSQL advisory lock makes instances take turns, so two never interleave their updates.
/// Paused marts keep their job: the trigger gate refuses their cron runs, and resuming needs no re-sync.
/// </summary>
internal sealed partial class MartScheduleSync(
    LiveMartCatalog catalog,
    IRecurringJobManager recurringJobs,
    JobStorage storage,
    [FromKeyedServices(DatabaseServiceCollectionExtensions.DataSourceKey)] NpgsqlDataSource dataSource,
    MartReloadSettings settings,
    TimeProvider timeProvider,
    ILogger<MartScheduleSync> logger) : BackgroundService
{
    /// <summary>The prefix of the recurring job ids this class owns.</summary>
    public const string JobIdPrefix = "mart:";

    // Any constant works; it only has to differ from other advisory locks on the database (those use hashtext of a name).
    private const long LockKey = 0x5343_4845_4455_4C45; // "SCHEDULE"

    private readonly PassSignal _changed = new();

    // Recurring jobs seen with Ignorable misfire handling (checked once per job and process: jobs written before the
    // catch-up existed were Relaxed, which would fire a missed slot as "now").
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _ignorable = new(StringComparer.Ordinal);

    /// <summary>The recurring job id of a mart.</summary>
    public static string JobIdFor(string martName) => JobIdPrefix + martName;

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the Hangfire server schedules anything, so a start-up never fires a schedule that was just removed.
        await SyncAsync(cancellationToken).ConfigureAwait(false);
        catalog.Changed += OnChanged;
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        catalog.Changed -= OnChanged;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds, updates and removes the marts' recurring jobs, holding the instances' advisory lock.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Read the catalog once the lock is held: the newest view this instance has is the one written.
        Sync(catalog.Marts);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // The rescan compares even without a change: another instance may have written an older view.
        new BackgroundPass("Syncing the marts' recurring jobs", settings.RescanInterval, timeProvider, logger)
        {
            FirstPassAtStart = false, // StartAsync has just synced
            Signal = _changed,
        }.RunAsync((_, cancellationToken) => SyncAsync(cancellationToken), stoppingToken);

    // A sync that is already due reads the newest catalog: wakes coalesce.
    private void OnChanged(object? sender, MartCatalogSnapshot snapshot) => _changed.Wake();

    private void Sync(IReadOnlyList<MartDefinition> marts)
    {
        using var connection = storage.GetConnection();
        var existing = connection.GetRecurringJobs();

        var byId = existing.ToDictionary(j => j.Id, StringComparer.Ordinal);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mart in marts)
        {
            if (!mart.Enabled || mart.Cron is null)
            {
                continue;
            }

            var id = JobIdFor(mart.Name);
            wanted.Add(id);
            if (byId.TryGetValue(id, out var job) && job.Cron == mart.Cron && job.TimeZoneId == mart.TimeZone.Id && job.Error is null && !job.Removed
                && IsIgnorable(connection, id))
            {
                continue;
            }

            var name = mart.Name;
            recurringJobs.AddOrUpdate<CronTriggerJob>(id, trigger => trigger.TriggerAsync(name, null, CancellationToken.None), mart.Cron,
                // Hangfire fires only slots that are due now, each with its slot time; slots missed while no instance ran
                // are the catch-up's (Marts:<name>:CatchUp), which knows what each mart wants done with them.
                new RecurringJobOptions { TimeZone = mart.TimeZone, MisfireHandling = MisfireHandlingMode.Ignorable });
            _ignorable[id] = true;
            LogScheduled(logger, mart.Name, mart.Cron, mart.TimeZone.Id);
        }

        foreach (var job in existing)
        {
            if (job.Id.StartsWith(JobIdPrefix, StringComparison.Ordinal) && !wanted.Contains(job.Id))
            {
                recurringJobs.RemoveIfExists(job.Id);
                LogRemoved(logger, job.Id);
            }
        }
    }

    private bool IsIgnorable(IStorageConnection connection, string id)
    {
        if (_ignorable.ContainsKey(id))
        {
            return true;
        }

        var entries = connection.GetAllEntriesFromHash($"recurring-job:{id}");
        var ignorable = entries is not null && entries.TryGetValue("Misfire", out var misfire)
            && misfire == ((int)MisfireHandlingMode.Ignorable).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (ignorable)
        {
            _ignorable[id] = true;
        }

        return ignorable;
    }

    [LoggerMessage(EventId = 1600, Level = LogLevel.Information, Message = "Mart {Mart} scheduled: '{Cron}' in {TimeZone}")]
    private static partial void LogScheduled(ILogger logger, string mart, string cron, string timeZone);

    [LoggerMessage(EventId = 1601, Level = LogLevel.Information, Message = "Recurring job {JobId} removed: its mart is gone, disabled or manual-only")]
    private static partial void LogRemoved(ILogger logger, string jobId);
}
