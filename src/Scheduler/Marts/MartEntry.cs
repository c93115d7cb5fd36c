using Scheduler.Configuration;

namespace Scheduler.Marts;

/// <summary>One mart as read from configuration or a definition file: valid (with its definition) or with problems.</summary>
/// <param name="Name">The mart's name.</param>
/// <param name="Source">Where it is defined: <c>Marts:&lt;name&gt;</c> or the definition file relative to <c>Sql:Root</c> (several, comma-separated, for a duplicate).</param>
/// <param name="Definition">The validated definition; null when <paramref name="Problems"/> is not empty.</param>
/// <param name="Problems">Everything wrong with it; empty when valid.</param>
/// <param name="SqlFile">The SQL file as written (or defaulted), for display even when the definition is broken.</param>
/// <param name="Cron">The cron expression as written, for display even when the definition is broken.</param>
internal sealed record MartEntry(
    string Name,
    string Source,
    MartDefinition? Definition,
    IReadOnlyList<ConfigurationProblem> Problems,
    string? SqlFile,
    string? Cron);
