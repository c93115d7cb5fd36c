using Scheduler.Runs;

namespace Scheduler.Backfills;

/// <summary>The dates of a backfill counted by state; <see cref="Succeeded"/> and <see cref="NotSucceeded"/> split the finished ones.</summary>
internal sealed record BackfillTotals(int Planned, int Pending, int Started, int Finished, int Succeeded, int NotSucceeded, int Excluded, int Cancelled)
{
    /// <summary>Counts <paramref name="dates"/>.</summary>
    public static BackfillTotals Of(IReadOnlyList<BackfillDate> dates)
    {
        ArgumentNullException.ThrowIfNull(dates);
        int Count(BackfillDateState state) => dates.Count(d => d.State == state);
        var succeeded = dates.Count(d => d.State == BackfillDateState.Finished && d.RunStatus == RunStatus.Succeeded);
        return new BackfillTotals(dates.Count, Count(BackfillDateState.Pending), Count(BackfillDateState.Started),
            Count(BackfillDateState.Finished), succeeded, Count(BackfillDateState.Finished) - succeeded,
            Count(BackfillDateState.Excluded), Count(BackfillDateState.Cancelled));
    }
}
