using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Marts;

/// <summary>Registers the mart catalog and SQL loader.</summary>
public static class MartServiceCollectionExtensions
{
    /// <summary>
    /// Validates the configuration now, so a bad one stops start-up before Hangfire starts, and registers a
    /// singleton <see cref="IMartCatalog"/> and <see cref="MartSqlLoader"/>.
    /// </summary>
    /// <exception cref="SchedulerConfigurationException">Lists every problem, one per line (key, value, expectation).</exception>
    public static IServiceCollection AddMarts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var marts = MartConfiguration.ReadOrThrow(configuration, MartConfiguration.GetContentRoot(configuration));
        services.AddSingleton<IMartCatalog>(new MartCatalog(marts));
        services.AddSingleton<MartSqlLoader>();
        return services;
    }
}
