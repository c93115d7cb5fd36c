using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Hosting;

namespace Scheduler.Backfills;

/// <summary>
/// Drives running backfills: those of a mart whose run just ended (<see cref="BackfillSignals"/>), and every one at
/// start-up and each <see cref="BackfillOptions.SweepInterval"/>, so a backfill whose process was killed resumes on any
/// instance. Overlapping drivers on several instances wait for each other on the backfill's lock.
/// </summary>
internal sealed partial class BackfillSweepService(
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
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundPass("The backfill sweep", options.Value.SweepInterval, timeProvider, logger) { Signal = signals }
            .RunAsync(DriveAsync, stoppingToken);

    private async Task DriveAsync(BackgroundPassReason reason, CancellationToken cancellationToken)
    {
        var marts = signals.Drain();
        if (reason == BackgroundPassReason.Interval)
        {
            // The full sweep covers the signalled marts too.
            await SweepAsync(null, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var mart in marts)
        {
            await SweepAsync(mart, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2110, Level = LogLevel.Warning, Message = "Backfill {BackfillId} could not be driven; the next sweep tries again")]
    private static partial void LogDriveFailed(ILogger logger, Exception exception, Guid backfillId);
}
