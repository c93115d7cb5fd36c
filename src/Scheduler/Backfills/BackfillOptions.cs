namespace Scheduler.Backfills;

/// <summary><c>Backfills:*</c>: how often backfills and catch-up are looked at.</summary>
internal sealed class BackfillOptions
{
    public const string SectionName = "Backfills";

    /// <summary>
    /// How often every running backfill is driven even without a run ending (the backstop after a crash, a full mart,
    /// a pause). A run of the mart ending drives its backfills at once.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the catch-up pass looks for missed cron slots (besides at start-up).</summary>
    public TimeSpan CatchUpInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How old a cron slot must be before catch-up may take it: a slot younger is Hangfire's to fire (its trigger job may
    /// still be queued). Never less than twice <c>Hangfire:SchedulePollingInterval</c>.
    /// </summary>
    public TimeSpan CatchUpGrace { get; set; } = TimeSpan.FromMinutes(1);
}
