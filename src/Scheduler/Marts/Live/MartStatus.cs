using System.Text.Json.Serialization;

namespace Scheduler.Marts.Live;

/// <summary>How a mart's definition stands. Serialised in lower case (<c>valid</c>, <c>stale</c>, <c>invalid</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MartStatus>))]
internal enum MartStatus
{
    /// <summary>The definition is valid and in force.</summary>
    [JsonStringEnumMemberName("valid")]
    Valid,

    /// <summary>The definition is broken now; the last valid version stays in force until it is repaired.</summary>
    [JsonStringEnumMemberName("stale")]
    Stale,

    /// <summary>The definition has never been valid since start-up: nothing is scheduled and it cannot be run.</summary>
    [JsonStringEnumMemberName("invalid")]
    Invalid,
}
