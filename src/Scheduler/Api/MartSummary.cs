using Scheduler.Runs;
using Scheduler.Marts.Live;

namespace Scheduler.Api;

/// <summary>A mart as <c>GET /api/marts</c> shows it.</summary>
/// <param name="Name">The mart's name.</param>
/// <param name="SqlFile">The SQL file, relative to <c>Sql:Root</c> (as written when the definition is invalid).</param>
/// <param name="Cron">The cron expression, or null for a manual-only mart.</param>
/// <param name="Schedule">The schedule in words, e.g. "At 03:00, every day".</param>
/// <param name="TimeZone">The zone the cron expression is evaluated in; null while the definition is invalid.</param>
/// <param name="Enabled">False: the definition is kept but nothing is scheduled and it cannot be run.</param>
/// <param name="Timeout">Longest a run may take (hh:mm:ss); null while the definition is invalid.</param>
/// <param name="NextFireAt">The next scheduled start in UTC; null when manual only, disabled, paused or invalid.</param>
/// <param name="NextFireAtLocal">The same instant in the mart's time zone, with its offset.</param>
/// <param name="LastRun">The newest run, or null.</param>
internal sealed record MartSummary(
    string Name,
    string? SqlFile,
    string? Cron,
    string Schedule,
    string? TimeZone,
    bool Enabled,
    TimeSpan? Timeout,
    DateTimeOffset? NextFireAt,
    DateTimeOffset? NextFireAtLocal,
    RunSummary? LastRun)
{
    /// <summary><c>valid</c>; <c>stale</c> (the definition is broken now, the last valid one stays in force); <c>invalid</c> (never valid: not scheduled, cannot run).</summary>
    public MartStatus Status { get; init; }

    /// <summary>Where the mart is defined: <c>Marts:&lt;name&gt;</c> or its definition file relative to <c>Sql:Root</c>.</summary>
    public string Source { get; init; } = "";

    /// <summary>True while the mart is paused: its cron runs do not start (manual runs do).</summary>
    public bool Paused { get; init; }

    /// <summary>When the mart was paused (UTC), while paused.</summary>
    public DateTimeOffset? PausedAt { get; init; }

    /// <summary>Who paused the mart, while paused.</summary>
    public string? PausedBy { get; init; }

    /// <summary><c>DependsOn</c>: the marts this one runs after (those of the definition in force).</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>The marts that name this one in their <c>DependsOn</c>.</summary>
    public IReadOnlyList<string> Dependants { get; init; } = [];

    /// <summary>What is wrong with the current definition; empty when valid.</summary>
    public IReadOnlyList<MartProblem> Problems { get; init; } = [];
}
