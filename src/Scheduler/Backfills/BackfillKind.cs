using System.Text.Json.Serialization;

namespace Scheduler.Backfills;

/// <summary>Who made a backfill. Serialised in lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackfillKind>))]
internal enum BackfillKind
{
    /// <summary>A person (API or dashboard); its runs have trigger <c>backfill</c>.</summary>
    [JsonStringEnumMemberName("backfill")]
    Backfill,

    /// <summary>Catch-up after downtime (<c>CatchUp = All</c>); its runs have trigger <c>catchup</c> and the slot's cron key.</summary>
    [JsonStringEnumMemberName("catchup")]
    CatchUp,
}
