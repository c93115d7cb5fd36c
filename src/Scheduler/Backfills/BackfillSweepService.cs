using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scheduler.Backfills;

/// <summary>
/// Drives running backfills: those of a mart whose run just ended (<see cref="BackfillSignals"/>), and every one at
/// start-up and each <see cref="BackfillOptions.SweepInterval"/>, so a backfill whose process was killed resumes on any
/// instance. Overlapping drivers on several instances wait for each other on the backfill's lock.
/// </summary>
public sealed partial class BackfillSweepService(
    BackfillStore store,
    BackfillDriver driver,
    BackfillSignals signals,
    IOptions<BackfillOptions> options,
    TimeProvider timeProvider,
    ILogger<BackfillSweepService> logger) : BackgroundService
{
    /// <summary>Drives every running backfill (of <paramref name="mart"/> only, when given) once.</summary>
    public async Task SweepAsync(string? mart, CancellationToken cancellationToken)
    {
        foreach (var id in await store.ListRunningAsync(mart, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await driver.DriveAsync(id, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // one backfill's trouble (its mart's SQL unreadable) must not stop the others
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogDriveFailed(logger, ex, id);
            }
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            string? mart = null;
            var now = timeProvider.GetUtcNow();
            if (now < nextSweep)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(nextSweep - now);
                try
                {
                    mart = await signals.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the sweep is due
                }
            }

            try
            {
                if (mart is null)
                {
                    await SweepAsync(null, stoppingToken).ConfigureAwait(false);
                    nextSweep = timeProvider.GetUtcNow() + options.Value.SweepInterval;
                }
                else
                {
                    var marts = new HashSet<string>(StringComparer.Ordinal) { mart };
                    while (signals.Reader.TryRead(out var more))
                    {
                        marts.Add(more);
                    }

                    foreach (var name in marts)
                    {
                        await SweepAsync(name, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
#pragma warning disable CA1031 // PostgreSQL may be restarting: the next sweep tries again
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogSweepFailed(logger, ex);
                nextSweep = timeProvider.GetUtcNow() + options.Value.SweepInterval;
            }
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Backfill {BackfillId} could not be driven; the next sweep tries again")]
    private static partial void LogDriveFailed(ILogger logger, Exception exception, Guid backfillId);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "The backfill sweep failed; trying again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
