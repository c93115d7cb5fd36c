using System.Text.Json.Serialization;
using Scheduler.Backfills;

namespace Scheduler.Runs;

/// <summary>What started a run. Serialised in lower case: <c>cron</c>, <c>manual</c>, <c>catchup</c>, <c>backfill</c>, <c>retry</c>, <c>upstream</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunTrigger>))]
internal enum RunTrigger
{
    /// <summary>The mart's recurring job (its cron schedule).</summary>
    [JsonStringEnumMemberName("cron")]
    Cron,

    /// <summary>"Run now": dashboard, HTTP API or CLI.</summary>
    [JsonStringEnumMemberName("manual")]
    Manual,

    /// <summary>A cron slot missed while no scheduler instance was running, run on start-up (<c>Marts:&lt;name&gt;:CatchUp</c>).</summary>
    [JsonStringEnumMemberName("catchup")]
    CatchUp,

    /// <summary>A date of a backfill (<c>POST /api/marts/{name}/backfills</c>).</summary>
    [JsonStringEnumMemberName("backfill")]
    Backfill,

    /// <summary>A new attempt of a Failed, TimedOut or Lost run (<c>Marts:&lt;name&gt;:Retry:*</c>).</summary>
    [JsonStringEnumMemberName("retry")]
    Retry,

    /// <summary>The marts this one depends on all succeeded for the logical date.</summary>
    [JsonStringEnumMemberName("upstream")]
    Upstream,
}
