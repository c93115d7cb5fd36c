using System.Globalization;
using Scheduler.Backfills;

namespace Scheduler.Runs.Triggers;

/// <summary>
/// The trigger keys that make triggers idempotent (a key used before returns its run). One slot of a mart's schedule has
/// one key whoever triggers it, the cron job on time or catch-up after downtime, so it never runs twice.
/// </summary>
internal static class TriggerKeys
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

    /// <summary>
    /// The key of a downstream mart's run for a logical date started by these upstream runs:
    /// <c>upstream:&lt;mart&gt;:&lt;unix seconds&gt;:&lt;hash of the run ids&gt;</c>. Every path that sees the same
    /// upstream successes (each upstream's end, the sweep after a crash) computes the same key, so the dependant runs
    /// once for them; a rerun of an upstream for the date is a new success, so the dependant runs again after it.
    /// </summary>
    public static string Downstream(string mart, DateTimeOffset logicalDate, IReadOnlyList<Guid> upstreamRunIds)
    {
        ArgumentNullException.ThrowIfNull(upstreamRunIds);
        var ids = string.Join(",", upstreamRunIds.Select(id => id.ToString("D")).Order(StringComparer.Ordinal));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ids)))[..16];
        return $"{Downstream(mart, logicalDate)}:{hash}";
    }

    /// <summary>
    /// The key of a downstream mart's Skipped run because an upstream run (<paramref name="rootRunId"/>, the first
    /// failure up the chain) did not succeed: <c>upstream:&lt;mart&gt;:&lt;unix seconds&gt;:skip:&lt;run id&gt;</c>.
    /// A diamond's bottom is skipped once per root cause, however many paths lead to it.
    /// </summary>
    public static string DownstreamSkip(string mart, DateTimeOffset logicalDate, Guid rootRunId) =>
        $"{Downstream(mart, logicalDate)}:skip:{rootRunId:D}";

    /// <summary>The root cause's run id in a <see cref="DownstreamSkip"/> key, or null for any other key.</summary>
    public static Guid? SkipRoot(string? triggerKey) =>
        triggerKey is not null && triggerKey.StartsWith("upstream:", StringComparison.Ordinal)
        && triggerKey.LastIndexOf(":skip:", StringComparison.Ordinal) is var at and >= 0
        && Guid.TryParse(triggerKey.AsSpan(at + ":skip:".Length), out var root)
            ? root
            : null;
}
