using System.Text.Json.Serialization;

namespace Scheduler.Runs;

/// <summary>What started a run. Serialised as <c>cron</c> or <c>manual</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunTrigger>))]
public enum RunTrigger
{
    /// <summary>The mart's recurring job (its cron schedule).</summary>
    [JsonStringEnumMemberName("cron")]
    Cron,

    /// <summary>"Run now": dashboard, HTTP API or CLI.</summary>
    [JsonStringEnumMemberName("manual")]
    Manual,
}
