namespace Scheduler.Database;

/// <summary>The service's PostgreSQL database (<c>ConnectionStrings:Scheduler</c>): Hangfire's storage and the run ledger.</summary>
internal sealed class SchedulerDatabaseOptions
{
    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Scheduler";

    /// <summary>The Npgsql connection string. Required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The configuration key of the schema.</summary>
    public const string SchemaKey = "Database:Schema";

    /// <summary>The old name of <see cref="SchemaKey"/>, still read when the new key is absent.</summary>
    public const string LegacySchemaKey = "Runs:Schema";

    /// <summary>
    /// The PostgreSQL schema of the service's own tables (the run ledger, the call budget), beside Hangfire's. Bound from
    /// <c>Database:Schema</c>, else its old name <c>Runs:Schema</c>; default <c>scheduler</c>.
    /// </summary>
    public string Schema { get; set; } = "scheduler";

    /// <summary>Where <see cref="Schema"/> was read from, for the validator (which key to name, a conflict of the two).</summary>
    internal SchemaSetting SchemaSetting { get; set; } = SchemaSetting.None;
}
