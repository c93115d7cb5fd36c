using System.Text.Json.Serialization;

namespace Scheduler.Backfills;

/// <summary>Which planned dates a backfill runs (decided once, when it is planned). Serialised in lower case.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackfillRerun>))]
internal enum BackfillRerun
{
    /// <summary>Only dates with no run at all (the default).</summary>
    [JsonStringEnumMemberName("missing")]
    Missing,

    /// <summary>Dates with no run, or whose latest run did not succeed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Every planned date.</summary>
    [JsonStringEnumMemberName("all")]
    All,
}
