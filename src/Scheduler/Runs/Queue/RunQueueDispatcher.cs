using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Hosting;
using Scheduler.Redshift.Limits;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Store;

namespace Scheduler.Runs.Queue;

/// <summary>
/// Starts Queued runs. When a run holding a slot ends, this instance hands the slot on at once
/// (<see cref="RunQueueSignal"/>, then <see cref="RunLifecycle.GrantSlotsAsync"/>: the next queued run becomes
/// Submitting and its submit job is enqueued). Every <see cref="RedshiftLimitsOptions.QueueSweepInterval"/> (and at
/// start-up) every instance also sweeps: each target with queued runs gets its free slots handed out (covering a signal
/// lost with a dead instance, a backoff that ran out, a limit raised) and queued runs past their deadline get
/// <see cref="RunEventKind.DeadlinePassed"/> (TimedOut: nothing ran). Slots belong to runs, not instances, so a dead
/// instance holds none: its runs go on (or end) through recovery like any other.
/// </summary>
internal sealed partial class RunQueueDispatcher(
    RunSweepQueries ledger,
    RunLifecycle lifecycle,
    RunQueueSignal signal,
    IOptions<RedshiftLimitsOptions> options,
    TimeProvider timeProvider,
    ILogger<RunQueueDispatcher> logger) : BackgroundService
{
    /// <summary>Hands out the free slots of every target with queued runs and times out queued runs past their deadline.</summary>
    /// <returns>How many runs were given a slot.</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var runId in await ledger.ListQueuedPastDeadlineAsync(now, 500, cancellationToken).ConfigureAwait(false))
        {
            await lifecycle.ApplyAsync(runId, new RunEvent.DeadlinePassed(), cancellationToken).ConfigureAwait(false);
        }

        var granted = 0;
        foreach (var key in await ledger.ListQueuedSlotKeysAsync(now, cancellationToken).ConfigureAwait(false))
        {
            granted += await GrantAsync(key, cancellationToken).ConfigureAwait(false);
        }

        return granted;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundPass("Handing out queued runs' slots", options.Value.QueueSweepInterval, timeProvider, logger) { Signal = signal }
            .RunAsync(DispatchAsync, stoppingToken);

    private async Task DispatchAsync(BackgroundPassReason reason, CancellationToken cancellationToken)
    {
        foreach (var key in signal.Drain())
        {
            await GrantAsync(key, cancellationToken).ConfigureAwait(false);
        }

        if (reason == BackgroundPassReason.Interval)
        {
            await SweepOnceAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<int> GrantAsync(string slotKey, CancellationToken cancellationToken)
    {
        var granted = await lifecycle.GrantSlotsAsync(slotKey, RunSlots.CapOf(options.Value, slotKey), cancellationToken).ConfigureAwait(false);
        if (granted > 0)
        {
            LogGranted(logger, granted, slotKey);
        }

        return granted;
    }

    [LoggerMessage(EventId = 1750, Level = LogLevel.Debug, Message = "{Count} queued run(s) given a slot of {SlotKey}")]
    private static partial void LogGranted(ILogger logger, int count, string slotKey);
}
