using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Backfills;
using Scheduler.Background;
using Scheduler.Marts;
using Scheduler.Pausing;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Scheduling;

/// <summary>
/// Catch-up after downtime: at start-up and each <see cref="BackfillOptions.CatchUpInterval"/>, one instance (the
/// holder of an advisory lock) looks at each enabled, unpaused cron mart's slots between its watermark and now minus
/// the grace (younger slots are Hangfire's to fire). A slot with no run keyed by it (<see cref="TriggerKeys.CronSlot"/>)
/// was missed: <c>CatchUp</c> decides (<see cref="CatchUpPlan"/>) which run (trigger <c>catchup</c>) and which are
/// recorded Skipped. Then the watermark moves on.
/// </summary>
/// <remarks>
/// Every step is idempotent: a slot's run, Skipped or not, has the slot's cron key, so a pass killed half-way is done
/// again by the next one without running a slot twice; <c>All</c>'s runs are a catch-up backfill stored in the same
/// transaction as the watermark. A paused mart (or a global pause) only has its watermark moved: paused periods are
/// not caught up. A mart seen for the first time starts at now: nothing is caught up from before it existed.
/// </remarks>
internal sealed partial class CatchUpService(
    BackfillStore store,
    RunSweepQueries runs,
    BackfillDriver driver,
    IMartCatalog catalog,
    PauseStore pauses,
    IRunTrigger trigger,
    IOptions<BackfillOptions> options,
    SchedulePollingInterval schedulePolling,
    TimeProvider timeProvider,
    ILogger<CatchUpService> logger) : BackgroundService
{
    /// <summary>The reason on a Skipped run of a missed slot.</summary>
    public const string MissedReason = "Skipped: missed while the scheduler was down (CatchUp).";

    /// <summary>How old a slot must be before catch-up may take it.</summary>
    public TimeSpan Grace => options.Value.CatchUpGrace > 2 * schedulePolling.Value
        ? options.Value.CatchUpGrace
        : 2 * schedulePolling.Value;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundPass("The catch-up pass", options.Value.CatchUpInterval, timeProvider, logger) { LeaderLock = store.TryLockCatchUpAsync }
            .RunAsync((_, cancellationToken) => CatchUpOnceAsync(cancellationToken), stoppingToken);

    /// <summary>One catch-up pass over every mart; the caller holds the leader's lock.</summary>
    private async Task CatchUpOnceAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var until = now - Grace;
        var pauseState = await pauses.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var mart in catalog.Marts)
        {
            if (mart.Cron is null)
            {
                continue;
            }

            try
            {
                await CatchUpAsync(mart, until, now, !mart.Enabled || pauseState.Global is not null || pauseState.For(mart.Name) is not null, cancellationToken)
                    .ConfigureAwait(false);
            }
#pragma warning disable CA1031 // one mart's trouble must not stop the others' catch-up; its watermark stays, the next pass retries
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogMartFailed(logger, ex, mart.Name);
            }
        }
    }

    private async Task CatchUpAsync(MartDefinition mart, DateTimeOffset until, DateTimeOffset now, bool notScheduled, CancellationToken cancellationToken)
    {
        var watermark = await store.GetWatermarkAsync(mart.Name, cancellationToken).ConfigureAwait(false);
        if (watermark is null || notScheduled)
        {
            // First sight: nothing before now is "missed". Paused or disabled: its slots are not missed, just not wanted.
            await store.SetWatermarkAsync(mart.Name, until, now, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (until <= watermark)
        {
            return;
        }

        var plan = CatchUpPlan.For(mart, watermark.Value, until);
        var keys = plan.Run.Concat(plan.Skip).Select(slot => TriggerKeys.CronSlot(mart.Name, slot)).ToList();
        var used = keys.Count == 0 ? [] : await runs.GetUsedTriggerKeysAsync(keys, cancellationToken).ConfigureAwait(false);
        bool Missed(DateTimeOffset slot) => !used.Contains(TriggerKeys.CronSlot(mart.Name, slot));
        var toSkip = plan.Skip.Where(Missed).ToList();
        var toRun = plan.Run.Where(Missed).ToList();
        if (toSkip.Count + toRun.Count > 0 || plan.Dropped > 0)
        {
            LogMissed(logger, mart.Name, mart.CatchUp, toRun.Count, toSkip.Count, plan.Dropped, watermark.Value, until);
        }

        foreach (var slot in toSkip)
        {
            await trigger.TriggerAsync(mart.Name, new RunRequest(RunTrigger.CatchUp)
            {
                LogicalDate = slot,
                TriggerKey = TriggerKeys.CronSlot(mart.Name, slot),
                SkipReason = MissedReason,
            }, cancellationToken).ConfigureAwait(false);
        }

        if (mart.CatchUp == MartCatchUp.All && toRun.Count > 0)
        {
            // The runs go through a catch-up backfill (oldest first, one at a time), stored with the new watermark.
            var backfill = new Backfill
            {
                BackfillId = Guid.NewGuid(),
                Kind = BackfillKind.CatchUp,
                Mart = mart.Name,
                From = toRun[0],
                To = toRun[^1],
                MaxConcurrent = 1,
                Rerun = BackfillRerun.Missing,
                Downstream = true,
                Status = BackfillStatus.Running,
                CreatedAt = now,
                CreatedBy = "catch-up",
            };
            await store.CreateAsync(backfill, [.. toRun.Select(slot => new BackfillDate(slot, BackfillDateState.Pending, null, null, null))], until, cancellationToken)
                .ConfigureAwait(false);
            await driver.DriveAsync(backfill.BackfillId, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var slot in toRun)
        {
            await trigger.TriggerAsync(mart.Name, new RunRequest(RunTrigger.CatchUp)
            {
                LogicalDate = slot,
                TriggerKey = TriggerKeys.CronSlot(mart.Name, slot),
                Downstream = true,
            }, cancellationToken).ConfigureAwait(false);
        }

        await store.SetWatermarkAsync(mart.Name, until, now, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 2130, Level = LogLevel.Warning,
        Message = "Mart {Mart} missed cron slots between {Watermark:O} and {Until:O} (CatchUp {Mode}): {Runs} to run, {Skipped} recorded Skipped, {Dropped} older ones dropped unrecorded")]
    private static partial void LogMissed(ILogger logger, string mart, MartCatchUp mode, int runs, int skipped, long dropped, DateTimeOffset watermark, DateTimeOffset until);

    [LoggerMessage(EventId = 2131, Level = LogLevel.Warning, Message = "Catch-up of mart {Mart} failed; the next pass tries again")]
    private static partial void LogMartFailed(ILogger logger, Exception exception, string mart);
}
