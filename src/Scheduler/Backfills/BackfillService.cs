using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Marts.Calendar;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Store;

namespace Scheduler.Backfills;

/// <summary>
/// Plans, starts and cancels backfills. Planning decides once which dates run (the rerun choice) and stores every
/// date; the <see cref="BackfillDriver"/> then runs them.
/// </summary>
internal sealed partial class BackfillService(
    BackfillStore store,
    RunSweepQueries runs,
    BackfillDriver driver,
    TimeProvider timeProvider,
    ILogger<BackfillService> logger)
{
    /// <summary>The most logical dates one backfill plans.</summary>
    public const int MaxDates = 1000;

    /// <summary>
    /// Plans a backfill of <paramref name="mart"/> and drives it once (its first runs start). Returns its progress, or
    /// the request field that is wrong and what was expected.
    /// </summary>
    public async Task<(BackfillProgress? Progress, string? Field, string? Problem)> CreateAsync(
        MartDefinition mart, BackfillRequest request, string? createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(request);
        var planned = MartCalendar.PlannedDates(mart, request.From, request.To, MartCalendar.MaxOccurrences);
        var what = mart.Cron is null ? "local midnights (the mart has no schedule: one date a day)" : $"fire times of '{mart.Cron}' in {mart.TimeZone.Id}";
        if (planned.Count == 0)
        {
            return (null, "to", $"a range holding at least one logical date: from {MartCalendar.Local(mart, request.From)} to {MartCalendar.Local(mart, request.To)} has no {what}");
        }

        if (planned.Count > MaxDates)
        {
            var count = planned.Count > MartCalendar.MaxOccurrences ? $"more than {MartCalendar.MaxOccurrences:N0}" : $"{planned.Count:N0}";
            return (null, "to", $"a range of at most {MaxDates:N0} logical dates per backfill; from {MartCalendar.Local(mart, request.From)} to {MartCalendar.Local(mart, request.To)} holds {count} {what}. Split it into several backfills");
        }

        var latest = await runs.GetLatestRunsAsync(mart.Name, planned, cancellationToken).ConfigureAwait(false);
        var dates = planned.Select(date => Plan(date, request.Rerun, latest.TryGetValue(date, out var run) ? run : null)).ToList();
        var backfill = new Backfill
        {
            BackfillId = Guid.NewGuid(),
            Kind = BackfillKind.Backfill,
            Mart = mart.Name,
            From = request.From,
            To = request.To,
            MaxConcurrent = request.MaxConcurrent,
            Rerun = request.Rerun,
            Downstream = request.Downstream,
            Parameters = request.Parameters ?? new Dictionary<string, string>(StringComparer.Ordinal),
            Status = BackfillStatus.Running,
            CreatedAt = timeProvider.GetUtcNow(),
            CreatedBy = createdBy,
        };
        await store.CreateAsync(backfill, dates, null, cancellationToken).ConfigureAwait(false);
        var toRun = dates.Count(d => d.State == BackfillDateState.Pending);
        LogCreated(logger, backfill.BackfillId, mart.Name, toRun, dates.Count, createdBy);
        try
        {
            await driver.DriveAsync(backfill.BackfillId, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the backfill is stored: the sweep drives it if this first drive fails
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogFirstDriveFailed(logger, ex, backfill.BackfillId);
        }

        return (await store.GetProgressAsync(backfill.BackfillId, cancellationToken).ConfigureAwait(false), null, null);
    }

    /// <summary>
    /// Cancels a running backfill: no new run starts; its runs already started go on (cancel them one by one if needed).
    /// Null when there is no such backfill; otherwise its progress and whether this call cancelled it.
    /// </summary>
    public async Task<(BackfillProgress? Progress, bool Cancelled)> CancelAsync(Guid backfillId, string? by, CancellationToken cancellationToken)
    {
        bool cancelled;
        await using (await store.LockAsync(backfillId, cancellationToken).ConfigureAwait(false))
        {
            cancelled = await store.CancelAsync(backfillId, by, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        if (cancelled)
        {
            LogCancelled(logger, backfillId, by);
        }

        var progress = await store.GetProgressAsync(backfillId, cancellationToken).ConfigureAwait(false);
        return (progress, cancelled);
    }

    /// <summary>Whether a planned date runs, given the mart's latest run for it that was not Skipped.</summary>
    internal static BackfillDate Plan(DateTimeOffset date, BackfillRerun rerun, (Guid RunId, RunStatus Status)? latest)
    {
        if (latest is not { } run || rerun == BackfillRerun.All)
        {
            return new BackfillDate(date, BackfillDateState.Pending, null, null, null);
        }

        if (rerun == BackfillRerun.Failed && run.Status.IsTerminal() && run.Status != RunStatus.Succeeded)
        {
            return new BackfillDate(date, BackfillDateState.Pending, null, null, $"rerun: the latest run {run.RunId:D} ended {run.Status}");
        }

        var why = !run.Status.IsTerminal() ? $"run {run.RunId:D} for this date is active ({run.Status})"
            : run.Status == RunStatus.Succeeded ? $"run {run.RunId:D} for this date succeeded"
            : $"run {run.RunId:D} for this date exists ({run.Status}); rerun \"failed\" or \"all\" would run it again";
        return new BackfillDate(date, BackfillDateState.Excluded, run.RunId, run.Status, why);
    }

    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Backfill {BackfillId} of mart {Mart} planned: {Runs} of {Planned} dates to run (by {User})")]
    private static partial void LogCreated(ILogger logger, Guid backfillId, string mart, int runs, int planned, string? user);

    [LoggerMessage(EventId = 2121, Level = LogLevel.Information, Message = "Backfill {BackfillId} cancelled by {User}: no new run starts; started runs go on")]
    private static partial void LogCancelled(ILogger logger, Guid backfillId, string? user);

    [LoggerMessage(EventId = 2122, Level = LogLevel.Warning, Message = "Backfill {BackfillId} was stored but its first drive failed; the sweep drives it")]
    private static partial void LogFirstDriveFailed(ILogger logger, Exception exception, Guid backfillId);
}
