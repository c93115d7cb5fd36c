using System.Text.Json.Serialization;

namespace Scheduler.Backfills;

/// <summary>Where a backfill is.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackfillStatus>))]
internal enum BackfillStatus
{
    /// <summary>Some dates are still pending or running.</summary>
    Running,

    /// <summary>Every date to run has run (whatever each run's outcome).</summary>
    Completed,

    /// <summary>Cancelled: no new run starts; runs already started went on.</summary>
    Cancelled,
}
