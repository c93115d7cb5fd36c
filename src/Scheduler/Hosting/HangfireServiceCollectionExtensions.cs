using Hangfire;
using Hangfire.PostgreSql;
using Scheduler.Runs;

namespace Scheduler.Hosting;

/// <summary>Hangfire with PostgreSQL storage and a server in this process.</summary>
public static class HangfireServiceCollectionExtensions
{
    /// <summary>
    /// Registers Hangfire on <c>ConnectionStrings:Scheduler</c> (schema created on first start) and a Hangfire server.
    /// </summary>
    public static IServiceCollection AddSchedulerHangfire(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString("Scheduler")
            ?? throw new InvalidOperationException("ConnectionStrings:Scheduler is required.");

        // Tuned for runs (Hangfire:*): see HangfireTuningOptions and the README's run lifecycle section.
        var tuning = HangfireTuningOptions.Read(configuration);
        var storageOptions = new PostgreSqlStorageOptions
        {
            PrepareSchemaIfNecessary = true,
            SchemaName = HangfireSchemaName,
        };
        tuning.ApplyTo(storageOptions);
        services.AddHangfire(cfg => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(RunsServiceCollectionExtensions.CreateJobExpirationFilter(configuration))
            .UsePostgreSqlStorage(
                bootstrapper => bootstrapper.UseNpgsqlConnection(connectionString),
                storageOptions));
        services.AddHangfireServer(tuning.ApplyTo);
        return services;
    }

    /// <summary>The PostgreSQL schema that holds Hangfire's tables.</summary>
    public const string HangfireSchemaName = "hangfire";
}
