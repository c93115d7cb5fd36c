namespace Scheduler.Database;

/// <summary>The service's PostgreSQL database (<c>ConnectionStrings:Scheduler</c>): Hangfire's storage and the run ledger.</summary>
public sealed class SchedulerDatabaseOptions
{
    /// <summary>The configuration key of the connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Scheduler";

    /// <summary>The Npgsql connection string. Required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The PostgreSQL schema of the service's own tables (the run ledger, the call budget), beside Hangfire's. Bound from
    /// <c>Runs:Schema</c>; default <c>scheduler</c>.
    /// </summary>
    public string Schema { get; set; } = "scheduler";
}
