using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Scheduler.Configuration;

namespace Scheduler.Database;

/// <summary>Registers the service's database.</summary>
internal static class DatabaseServiceCollectionExtensions
{
    /// <summary>The DI key under which the service's <see cref="NpgsqlDataSource"/> is also registered.</summary>
    public const string DataSourceKey = "Scheduler";

    /// <summary>
    /// Binds and validates <c>ConnectionStrings:Scheduler</c> and <c>Database:Schema</c> (or its old name
    /// <c>Runs:Schema</c>) at start-up, registers
    /// <see cref="SchedulerDatabase"/>, its <see cref="NpgsqlDataSource"/> (plain and keyed <see cref="DataSourceKey"/>),
    /// and the start-up migration. Call it before Hangfire's server is registered so the schema is ready first.
    /// </summary>
    public static IServiceCollection AddSchedulerDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<SchedulerDatabaseOptions, SchedulerDatabaseOptionsValidator>()
            .Configure(options =>
            {
                options.ConnectionString = configuration.GetConnectionString("Scheduler");
                options.SchemaSetting = SchemaSetting.Read(configuration);
                options.Schema = options.SchemaSetting.Value ?? options.Schema;
            });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SchedulerDatabase>();
        services.TryAddSingleton(sp => sp.GetRequiredService<SchedulerDatabase>().DataSource);
        services.TryAddKeyedSingleton(DataSourceKey, (sp, _) => sp.GetRequiredService<SchedulerDatabase>().DataSource);
        services.AddHostedService<SchedulerDatabaseMigrator>();
        return services;
    }
}
