using Scheduler.Configuration;

namespace Scheduler.Marts.Live;

/// <summary>One mart as the live catalog holds it: the definition in force (if any) and what is wrong with the current one.</summary>
/// <param name="Name">The mart's name.</param>
/// <param name="Source">Where it is defined: <c>Marts:&lt;name&gt;</c> or a definition file relative to <c>Sql:Root</c>.</param>
/// <param name="Definition">The definition in force: the current one, or the last valid one when <paramref name="Problems"/> is not empty.</param>
/// <param name="Problems">What is wrong with the current definition; empty when valid.</param>
/// <param name="SqlFile">The SQL file as written, for display.</param>
/// <param name="Cron">The cron expression as written, for display.</param>
internal sealed record MartState(
    string Name,
    string Source,
    MartDefinition? Definition,
    IReadOnlyList<ConfigurationProblem> Problems,
    string? SqlFile,
    string? Cron)
{
    /// <summary>Valid, stale (broken now, last valid version in force) or invalid (never valid).</summary>
    public MartStatus Status => Problems.Count == 0 ? MartStatus.Valid : Definition is null ? MartStatus.Invalid : MartStatus.Stale;
}
