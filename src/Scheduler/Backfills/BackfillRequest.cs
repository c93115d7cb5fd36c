using Scheduler.Api;

namespace Scheduler.Backfills;

/// <summary>What a person asks of a backfill (read by <see cref="BackfillBody"/>).</summary>
/// <param name="From">The first logical date to plan (inclusive).</param>
/// <param name="To">The last logical date to plan (inclusive).</param>
internal sealed record BackfillRequest(DateTimeOffset From, DateTimeOffset To)
{
    /// <summary>At most this many of its runs at once (1 to the mart's MaxActiveRuns).</summary>
    public int MaxConcurrent { get; init; } = 1;

    public BackfillRerun Rerun { get; init; } = BackfillRerun.Missing;

    public bool Downstream { get; init; }

    public IReadOnlyDictionary<string, string>? Parameters { get; init; }
}
