using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
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

        // AddHangfire registers JobStorage.Current and JobActivator.Current, process-wide statics that the next host
        // built in this process (tests run several at once) overwrites: a server would then run jobs on another
        // host's database with another host's services. Registering our own instances first keeps each host whole.
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions));
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, cfg) => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseFilter(RunsServiceCollectionExtensions.CreateJobExpirationFilter(configuration))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        services.AddHangfireServer(tuning.ApplyTo);
        return services;
    }

    /// <summary>The PostgreSQL schema that holds Hangfire's tables.</summary>
    public const string HangfireSchemaName = "hangfire";
}
