using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Scheduler.Configuration;
using Scheduler.Marts.Live;

namespace Scheduler.Marts;

/// <summary>Registers the mart catalog and its live reload.</summary>
internal static class MartServiceCollectionExtensions
{
    /// <summary>
    /// Registers the live catalog (<see cref="LiveMartCatalog"/>, also as <see cref="IMartCatalog"/>) over the start-up
    /// read of the marts (configuration and definition files, read when first needed: never here, so nothing throws
    /// from this method) and <see cref="MartSqlLoader"/>. The read's problems are listed with every options problem:
    /// those of the whole configuration (<c>Sql:Root</c>, <c>Marts:RescanInterval</c>) always stop start-up; a broken
    /// mart only does with <c>Marts:StrictStartup=true</c>, otherwise it is listed with its problems and the other
    /// marts start. <c>validate</c> lists them all.
    /// </summary>
    public static IServiceCollection AddMarts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(_ => MartConfiguration.Read(configuration, MartConfiguration.GetContentRoot(configuration)));
        // Its problems are part of the start-up read's (MartConfiguration.Read reads the same keys).
        services.AddSingleton(_ => MartReloadSettings.Read(configuration, []));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigurationCheck, MartCatalogCheck>());
        services.AddSingleton(provider => new LiveMartCatalog(provider.GetRequiredService<MartConfigurationResult>(),
            provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<LiveMartCatalog>>()));
        services.AddSingleton<IMartCatalog>(provider => provider.GetRequiredService<LiveMartCatalog>());
        services.AddSingleton<MartSqlLoader>();
        return services;
    }

    /// <summary>
    /// Registers what keeps the marts live: the reloader (file watching, configuration reload, periodic rescan). Needs
    /// <c>AddMarts</c>. The schedules' sync is <c>AddScheduling</c>'s, pausing <c>AddPausing</c>'s.
    /// </summary>
    public static IServiceCollection AddLiveMarts(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<MartCatalogReloader>();
        services.AddHostedService(provider => provider.GetRequiredService<MartCatalogReloader>());
        return services;
    }
}
