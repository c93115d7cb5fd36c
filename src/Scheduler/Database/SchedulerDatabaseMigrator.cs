using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polly;
using Polly.Retry;

namespace Scheduler.Database;

/// <summary>
/// Migrates the schema at start-up, before the Hangfire server and the run services start (it is registered first),
/// retrying while PostgreSQL is still starting: up to <see cref="MaxAttempts"/> attempts, 1, 2, 3 … s apart.
/// </summary>
internal sealed partial class SchedulerDatabaseMigrator(SchedulerDatabase database, TimeProvider timeProvider, ILogger<SchedulerDatabaseMigrator> logger)
    : IHostedService
{
    private const int MaxAttempts = 10;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var retry = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(ex => ex.IsTransient),
                MaxRetryAttempts = MaxAttempts - 1,
                BackoffType = DelayBackoffType.Linear,
                Delay = TimeSpan.FromSeconds(1),
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "");
                    return default;
                },
            })
            .Build();
        await retry.ExecuteAsync(async token => await database.MigrateAsync(token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1800, Level = LogLevel.Warning, Message = "Database schema: PostgreSQL not reachable (attempt {Attempt}), retrying: {Error}")]
    private static partial void LogRetry(ILogger logger, int attempt, string error);
}
