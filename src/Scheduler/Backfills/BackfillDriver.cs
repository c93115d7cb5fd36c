using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Backfills;

/// <summary>
/// Moves a backfill forward: records which of its started dates have finished (a retried run counts once its last
/// attempt ended with no retry to follow), then reserves runs for the oldest pending dates while fewer than
/// <c>maxConcurrent</c> of its runs are active. Driven on creation, when a run of the mart ends, and by the periodic
/// sweep; under the backfill's advisory lock, so one driver at a time.
/// </summary>
/// <remarks>
/// Each date's run has the trigger key of the date (<see cref="TriggerKeys.BackfillDate"/>, or the cron slot's key for a
/// catch-up), so a driver killed between reserving a run and recording it finds the same run next time: no date runs
/// twice. A mart without a free run slot (<c>MaxActiveRuns</c>), a pause or a disabled mart just leaves the dates
/// pending until the next drive.
/// </remarks>
internal sealed partial class BackfillDriver(
    BackfillStore store,
    RunSweepQueries runs,
    IMartCatalog catalog,
    RunLifecycle lifecycle,
    ITriggerGate gate,
    TimeProvider timeProvider,
    ILogger<BackfillDriver> logger)
{
    /// <summary>Drives the backfill once; returns how many runs it reserved.</summary>
    public async Task<int> DriveAsync(Guid backfillId, CancellationToken cancellationToken)
    {
        await using var held = await store.LockAsync(backfillId, cancellationToken).ConfigureAwait(false);
        var backfill = await store.GetAsync(backfillId, cancellationToken).ConfigureAwait(false);
        if (backfill is not { Status: BackfillStatus.Running })
        {
            return 0;
        }

        var dates = await store.GetDatesAsync(backfillId, cancellationToken).ConfigureAwait(false);
        var started = dates.Where(d => d is { State: BackfillDateState.Started, RunId: not null }).ToList();
        var latest = await runs.GetLatestAttemptsAsync([.. started.Select(d => d.RunId!.Value)], cancellationToken).ConfigureAwait(false);
        var active = 0;
        foreach (var date in started)
        {
            if (!latest.TryGetValue(date.RunId!.Value, out var attempt))
            {
                // The run was purged by retention: long over.
                await store.MarkFinishedAsync(backfillId, date.LogicalDate, date.RunId.Value, cancellationToken).ConfigureAwait(false);
            }
            else if (attempt.Status.IsTerminal() && attempt.RetryAt is null)
            {
                await store.MarkFinishedAsync(backfillId, date.LogicalDate, attempt.RunId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                if (attempt.RunId != date.RunId)
                {
                    await store.MarkAttemptAsync(backfillId, date.LogicalDate, attempt.RunId, cancellationToken).ConfigureAwait(false);
                }

                active++;
            }
        }

        var pending = dates.Where(d => d.State == BackfillDateState.Pending).ToList();
        var reserved = 0;
        if (pending.Count > 0 && catalog.Find(backfill.Mart) is { } mart)
        {
            var limit = Math.Max(1, Math.Min(backfill.MaxConcurrent, mart.MaxActiveRuns));
            var trigger = backfill.Kind == BackfillKind.CatchUp ? RunTrigger.CatchUp : RunTrigger.Backfill;
            if (active < limit && await gate.CheckAsync(mart, trigger, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                LogWaiting(logger, backfillId, mart.Name, refusal);
            }
            else
            {
                while (active < limit && reserved < pending.Count)
                {
                    var date = pending[reserved];
                    var (run, _, blocking) = await lifecycle.ReserveAsync(mart, RequestFor(backfill, date.LogicalDate), cancellationToken).ConfigureAwait(false);
                    if (run is null)
                    {
                        LogBusy(logger, backfillId, mart.Name, blocking?.RunId);
                        break;
                    }

                    reserved++;
                    if (run.Status.IsTerminal() && run.RetryAt is null)
                    {
                        // A catch-up slot the cron job ran meanwhile, or a run recorded Skipped: nothing more to wait for.
                        await store.MarkStartedAsync(backfillId, date.LogicalDate, run.RunId, cancellationToken).ConfigureAwait(false);
                        await store.MarkFinishedAsync(backfillId, date.LogicalDate, run.RunId, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await store.MarkStartedAsync(backfillId, date.LogicalDate, run.RunId, cancellationToken).ConfigureAwait(false);
                        active++;
                    }
                }
            }
        }
        else if (pending.Count > 0)
        {
            LogUnknownMart(logger, backfillId, backfill.Mart);
        }

        if (active == 0 && reserved == pending.Count)
        {
            await store.MarkCompletedAsync(backfillId, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            LogCompleted(logger, backfillId, backfill.Mart);
        }

        return reserved;
    }

    /// <summary>The run request for one date of the backfill.</summary>
    internal static RunRequest RequestFor(Backfill backfill, DateTimeOffset logicalDate) =>
        backfill.Kind == BackfillKind.CatchUp
            ? new RunRequest(RunTrigger.CatchUp)
            {
                LogicalDate = logicalDate,
                TriggerKey = TriggerKeys.CronSlot(backfill.Mart, logicalDate),
                BackfillId = backfill.BackfillId,
                Downstream = true,
                WaitWhenBusy = true,
            }
            : new RunRequest(RunTrigger.Backfill)
            {
                LogicalDate = logicalDate,
                TriggerKey = TriggerKeys.BackfillDate(backfill.BackfillId, logicalDate),
                BackfillId = backfill.BackfillId,
                Downstream = backfill.Downstream,
                Parameters = backfill.Parameters.Count == 0 ? null : backfill.Parameters,
                WaitWhenBusy = true,
            };

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Backfill {BackfillId} of mart {Mart} completed")]
    private static partial void LogCompleted(ILogger logger, Guid backfillId, string mart);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Backfill {BackfillId}: mart {Mart} has no free run slot (run {BlockingRunId} is active); waiting")]
    private static partial void LogBusy(ILogger logger, Guid backfillId, string mart, Guid? blockingRunId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Backfill {BackfillId} of mart {Mart} waits: {Reason}")]
    private static partial void LogWaiting(ILogger logger, Guid backfillId, string mart, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "Backfill {BackfillId}: mart {Mart} is no longer configured; its pending dates wait")]
    private static partial void LogUnknownMart(ILogger logger, Guid backfillId, string mart);
}
