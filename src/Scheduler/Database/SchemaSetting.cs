namespace Scheduler.Database;

/// <summary>
/// The schema as configured under <c>Database:Schema</c> and its old name <c>Runs:Schema</c>: the new key wins, the old
/// one is used alone, and both set to different schemas is a problem (which one was meant is unknown).
/// </summary>
/// <param name="Value">The schema to use, or null for the default.</param>
/// <param name="Key">The key <paramref name="Value"/> came from (named in problems).</param>
/// <param name="ConflictingLegacyValue">The value of <c>Runs:Schema</c> when it is set and differs from <c>Database:Schema</c>.</param>
internal sealed record SchemaSetting(string? Value, string Key, string? ConflictingLegacyValue)
{
    /// <summary>Neither key set.</summary>
    public static readonly SchemaSetting None = new(null, SchedulerDatabaseOptions.SchemaKey, null);

    /// <summary>Reads both keys.</summary>
    public static SchemaSetting Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var current = configuration[SchedulerDatabaseOptions.SchemaKey];
        var legacy = configuration[SchedulerDatabaseOptions.LegacySchemaKey];
        if (current is null)
        {
            return legacy is null ? None : new SchemaSetting(legacy, SchedulerDatabaseOptions.LegacySchemaKey, null);
        }

        var conflict = legacy is not null && !string.Equals(legacy, current, StringComparison.Ordinal) ? legacy : null;
        return new SchemaSetting(current, SchedulerDatabaseOptions.SchemaKey, conflict);
    }
}
