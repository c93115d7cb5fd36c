namespace Scheduler.Marts;

/// <summary>A validated mart: a SQL file, an optional schedule and how its runs are polled and bounded.</summary>
/// <param name="Name">The configuration key under <c>Marts</c>, or the definition file's name; safe in ids and URLs.</param>
/// <param name="SqlFile">The SQL file relative to <c>Sql:Root</c> (as configured, or resolved from a definition file).</param>
/// <param name="SqlPath">The SQL file's full path with symbolic links resolved, inside <c>Sql:Root</c>.</param>
/// <param name="Cron">Cronos expression (5 or 6 fields), or null for a manual-only mart.</param>
/// <param name="TimeZone">The zone the cron expression is evaluated in.</param>
/// <param name="Timeout">Longest a run may take before it is cancelled.</param>
/// <param name="PollInitialInterval">First poll delay; later ones grow towards <paramref name="PollMaxInterval"/>.</param>
/// <param name="PollMaxInterval">The cap of the adaptive poll interval.</param>
/// <param name="Enabled">False keeps the definition but schedules nothing.</param>
/// <param name="Target">Where the SQL runs.</param>
public sealed record MartDefinition(
    string Name,
    string SqlFile,
    string SqlPath,
    string? Cron,
    TimeZoneInfo TimeZone,
    TimeSpan Timeout,
    TimeSpan PollInitialInterval,
    TimeSpan PollMaxInterval,
    bool Enabled,
    RedshiftTarget Target)
{
    /// <summary>The definition file (relative to <c>Sql:Root</c>) this mart comes from; null when it is in configuration.</summary>
    public string? DefinitionFile { get; init; }

    /// <summary>The mart's own <c>Alerts:WebhookUrl</c> from its definition file; null otherwise.</summary>
    public Uri? AlertWebhookUrl { get; init; }
}
