using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Scheduler.Marts.Live;
using Scheduler.Marts.Pausing;
using Scheduler.Marts.Scheduling;
using Scheduler.Runs;

namespace Scheduler.Marts;

/// <summary>Registers the mart catalog, its live reload, the schedules' sync and pausing.</summary>
public static class MartServiceCollectionExtensions
{
    /// <summary>
    /// Reads the marts now (configuration and definition files), so bad configuration stops start-up before Hangfire
    /// starts, and registers the live catalog (<see cref="LiveMartCatalog"/>, also as <see cref="IMartCatalog"/>) and
    /// <see cref="MartSqlLoader"/>. Problems of the whole configuration (connection string, Redshift endpoint,
    /// <c>Sql:Root</c>) always stop start-up; a broken mart only does with <c>Marts:StrictStartup=true</c>, otherwise
    /// it is listed with its problems and the other marts start.
    /// </summary>
    /// <exception cref="SchedulerConfigurationException">Lists every problem, one per line (key, value, expectation).</exception>
    public static IServiceCollection AddMarts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var result = MartConfiguration.Read(configuration, MartConfiguration.GetContentRoot(configuration));
        var settings = MartReloadSettings.Read(configuration, []);
        if (result.GlobalProblems.Count > 0 || (settings.StrictStartup && result.Problems.Count > 0))
        {
            throw new SchedulerConfigurationException(settings.StrictStartup ? result.Problems : result.GlobalProblems);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddSingleton(provider => new LiveMartCatalog(result, provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<LiveMartCatalog>>()));
        services.AddSingleton<IMartCatalog>(provider => provider.GetRequiredService<LiveMartCatalog>());
        services.AddSingleton<MartSqlLoader>();
        return services;
    }

    /// <summary>
    /// Registers what keeps the marts live and controllable: the reloader (file watching, configuration reload, periodic
    /// rescan), the sync of Hangfire's recurring jobs, the pause store (its table created at start-up) and the
    /// <see cref="ITriggerGate"/> that triggers and the submit step ask. Needs <c>AddMarts</c>, Hangfire and <c>AddRuns</c>
    /// (the ledger's PostgreSQL data source and schema name).
    /// </summary>
    public static IServiceCollection AddLiveMarts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<PauseStore>();
        services.AddSingleton<ITriggerGate, PauseTriggerGate>();
        services.AddSingleton<MartCatalogReloader>();
        services.AddHostedService(provider => provider.GetRequiredService<MartCatalogReloader>());
        services.AddSingleton<MartScheduleSync>();
        services.AddHostedService(provider => provider.GetRequiredService<MartScheduleSync>());
        return services;
    }
}
