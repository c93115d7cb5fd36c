using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scheduler.Database;

/// <summary>
/// Migrates the schema at start-up, before the Hangfire server and the run services start (it is registered first),
/// retrying while PostgreSQL is still starting.
/// </summary>
internal sealed partial class SchedulerDatabaseMigrator(SchedulerDatabase database, TimeProvider timeProvider, ILogger<SchedulerDatabaseMigrator> logger)
    : IHostedService
{
    private const int MaxAttempts = 10;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (attempt < MaxAttempts && ex.IsTransient)
            {
                LogRetry(logger, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1800, Level = LogLevel.Warning, Message = "Database schema: PostgreSQL not reachable (attempt {Attempt}), retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
