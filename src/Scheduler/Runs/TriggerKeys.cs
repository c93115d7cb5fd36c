using System.Globalization;

namespace Scheduler.Runs;

/// <summary>
/// The trigger keys that make triggers idempotent (a key used before returns its run). One slot of a mart's schedule has
/// one key whoever triggers it, the cron job on time or catch-up after downtime, so it never runs twice.
/// </summary>
public static class TriggerKeys
{
    /// <summary>The key of a cron slot: <c>cron:&lt;mart&gt;:&lt;unix seconds&gt;</c>.</summary>
    public static string CronSlot(string mart, DateTimeOffset slot) =>
        $"cron:{mart}:{slot.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The key of a backfill's date: <c>backfill:&lt;id&gt;:&lt;unix seconds&gt;</c>.</summary>
    public static string BackfillDate(Guid backfillId, DateTimeOffset logicalDate) =>
        $"backfill:{backfillId:D}:{logicalDate.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The key of the retry of a run: <c>retry:&lt;run id&gt;</c> (a run is retried at most once).</summary>
    public static string RetryOf(Guid runId) => $"retry:{runId:D}";

    /// <summary>The key of a downstream mart's run for a logical date: <c>upstream:&lt;mart&gt;:&lt;unix seconds&gt;</c>.</summary>
    public static string Downstream(string mart, DateTimeOffset logicalDate) =>
        $"upstream:{mart}:{logicalDate.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
}
