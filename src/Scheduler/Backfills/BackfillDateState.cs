using System.Text.Json.Serialization;

namespace Scheduler.Backfills;

/// <summary>Where one planned date of a backfill is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackfillDateState>))]
internal enum BackfillDateState
{
    /// <summary>Waiting for a free slot (the backfill's maxConcurrent, the mart's MaxActiveRuns).</summary>
    Pending,

    /// <summary>Its run was reserved and has not ended for good yet (a retry may still follow).</summary>
    Started,

    /// <summary>Its last run ended and no retry follows.</summary>
    Finished,

    /// <summary>Not run: the rerun choice left it out (it already has a run); <c>note</c> says which.</summary>
    Excluded,

    /// <summary>Not run: the backfill was cancelled before the date started.</summary>
    Cancelled,
}
