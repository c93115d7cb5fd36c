using Scheduler.Runs;

namespace Scheduler.Api;

/// <summary>A mart as <c>GET /api/marts</c> shows it.</summary>
/// <param name="Name">The mart's name.</param>
/// <param name="SqlFile">The SQL file, relative to <c>Sql:Root</c>.</param>
/// <param name="Cron">The cron expression, or null for a manual-only mart.</param>
/// <param name="Schedule">The schedule in words, e.g. "At 03:00, every day".</param>
/// <param name="TimeZone">The zone the cron expression is evaluated in.</param>
/// <param name="Enabled">False: the definition is kept but nothing is scheduled.</param>
/// <param name="Timeout">Longest a run may take (hh:mm:ss).</param>
/// <param name="NextFireAt">The next scheduled start in UTC; null when manual only or disabled.</param>
/// <param name="NextFireAtLocal">The same instant in the mart's time zone, with its offset.</param>
/// <param name="LastRun">The newest run, or null.</param>
public sealed record MartSummary(
    string Name,
    string SqlFile,
    string? Cron,
    string Schedule,
    string TimeZone,
    bool Enabled,
    TimeSpan Timeout,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? NextFireAtLocal,
    RunSummary? LastRun);
