namespace Scheduler.Marts;

/// <summary><c>Marts:&lt;name&gt;:CatchUp</c>: what happens to cron slots missed while no scheduler instance was running.</summary>
internal enum MartCatchUp
{
    /// <summary>Every missed slot is recorded as a Skipped run ("missed while the scheduler was down").</summary>
    None,

    /// <summary>One run for the latest missed slot; the older ones are recorded Skipped (the default).</summary>
    Latest,

    /// <summary>A run for each missed slot, oldest first, at most <c>MaxCatchUp</c> (the latest ones); the rest Skipped.</summary>
    All,
}
