using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator;

/// <summary>Creates the state schema and recovers statements of a previous run before requests are served; purges old ones.</summary>
internal sealed class EmulatorLifecycle(
    StatementStore store, StatementRunner runner, TimeProvider timeProvider, IOptions<EmulatorOptions> options, ILogger<EmulatorLifecycle> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _purge;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.VerifiesSignatures)
        {
            logger.UnsignedRequestsAllowed();
        }

        await store.EnsureSchemaAsync(cancellationToken);
        await runner.RecoverAsync(cancellationToken);
        _purge = PurgeLoopAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_purge is not null)
        {
            await _purge.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await runner.DisposeAsync();
    }

    public void Dispose() => _stopping.Dispose();

    private async Task PurgeLoopAsync(CancellationToken cancellationToken)
    {
        var retention = options.Value.StatementRetention;
        var period = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute * 10));
        using var timer = new PeriodicTimer(period, timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            try
            {
                var purged = await store.PurgeAsync(timeProvider.GetUtcNow() - retention, cancellationToken);
                if (purged > 0)
                {
                    logger.Purged(purged);
                }
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException && !cancellationToken.IsCancellationRequested)
            {
                logger.RunnerFailed(Guid.Empty, ex);
            }
        }
    }
}
