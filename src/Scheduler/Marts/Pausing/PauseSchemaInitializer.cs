using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Scheduler.Marts.Pausing;

/// <summary>Creates the pause table at start-up, retrying while PostgreSQL is not reachable yet.</summary>
public sealed partial class PauseSchemaInitializer(PauseStore store, TimeProvider timeProvider, ILogger<PauseSchemaInitializer> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Npgsql.NpgsqlException ex) when (attempt < 10 && ex.IsTransient)
            {
                LogRetry(logger, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(attempt), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1721, Level = LogLevel.Warning, Message = "Pause table: PostgreSQL not reachable (attempt {Attempt}), retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
