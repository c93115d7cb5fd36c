namespace Scheduler.Backfills;

/// <summary>A backfill with its dates and their totals: the body of <c>GET /api/backfills/{id}</c>.</summary>
/// <param name="Backfill">The backfill.</param>
/// <param name="Dates">Every planned date, oldest first.</param>
internal sealed record BackfillProgress(Backfill Backfill, IReadOnlyList<BackfillDate> Dates)
{
    /// <summary>How many dates are in each state, and how many of the finished ones succeeded or not.</summary>
    public BackfillTotals Totals { get; } = BackfillTotals.Of(Dates);
}
