using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Database;
using Scheduler.Runs;

namespace Scheduler.Hosting;

/// <summary>Hangfire with PostgreSQL storage and a server in this process.</summary>
internal static class HangfireServiceCollectionExtensions
{
    /// <summary>
    /// Registers Hangfire on <c>ConnectionStrings:Scheduler</c> (schema created on first start) and a Hangfire server,
    /// tuned by <c>Hangfire:*</c> (validated at start-up). Needs <c>AddSchedulerDatabase</c> and <c>AddRuns</c> (the filter).
    /// </summary>
    /// <remarks>
    /// Hangfire.NetCore's <c>AddHangfire</c> would resolve <see cref="JobStorage"/> from the static
    /// <c>JobStorage.Current</c> (which <c>UsePostgreSqlStorage</c> sets), <see cref="JobActivator"/> from
    /// <c>JobActivator.Current</c> and filters from the static <c>GlobalJobFilters</c>; the background job client, the
    /// recurring job manager, the server and the dashboard all take them from the container. Two hosts in one process
    /// (tests) could then share one storage, or activate jobs in the other host's container. So this host's storage,
    /// activator and filters are registered here first (Hangfire only adds its own when none is registered), and the
    /// statics are never set: <c>eng/BannedSymbols.txt</c> bans them (and <c>RecurringJob</c>) in our code.
    /// </remarks>
    public static IServiceCollection AddSchedulerHangfire(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        // Tuned for runs (Hangfire:*): see HangfireTuningOptions and docs/configuration.md (Hangfire).
        services.AddValidatedOptions<HangfireTuningOptions, HangfireTuningOptionsValidator>().Bind(configuration.GetSection(HangfireTuningOptions.SectionName));

        // Created on first resolution (it prepares the schema then), as UsePostgreSqlStorage did inside AddHangfire.
        services.AddSingleton<JobStorage>(provider =>
        {
            var storageOptions = new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true, SchemaName = HangfireSchemaName };
            provider.GetRequiredService<IOptions<HangfireTuningOptions>>().Value.ApplyTo(storageOptions);
            var connectionString = provider.GetRequiredService<IOptions<SchedulerDatabaseOptions>>().Value.ConnectionString!;
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions, null), storageOptions);
        });
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        // Hangfire's defaults (GlobalJobFilters: retries, continuations, statistics; attributes on job methods) and ours.
        services.AddSingleton<RunJobExpirationFilter>();
        services.AddSingleton<IJobFilterProvider>(provider => new JobFilterProviderCollection(
            JobFilterProviders.Providers,
            new JobFilterCollection { provider.GetRequiredService<RunJobExpirationFilter>() }));

        services.AddHangfire((provider, cfg) =>
        {
            // Process-wide statics, the same for every host: the job payload format, and a log provider that survives
            // its host's disposal (it is the last host configured; see HangfireLogProvider).
            cfg.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseTypeResolver(MovedJobTypes.Resolve)
                .UseRecommendedSerializerSettings()
                .UseLogProvider(new HangfireLogProvider(provider.GetRequiredService<ILoggerFactory>()));
        });
        services.AddHangfireServer((provider, server) => provider.GetRequiredService<IOptions<HangfireTuningOptions>>().Value.ApplyTo(server));
        return services;
    }

    /// <summary>The PostgreSQL schema that holds Hangfire's tables.</summary>
    public const string HangfireSchemaName = "hangfire";
}
