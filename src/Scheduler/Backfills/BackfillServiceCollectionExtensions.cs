using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Runs;

namespace Scheduler.Backfills;

/// <summary>Registers backfills (catch-up after downtime, which plans through them, is <c>AddScheduling</c>'s).</summary>
internal static class BackfillServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store, the driver (woken by runs ending: an <see cref="IRunObserver"/>), and the sweep. Needs <c>AddRuns</c>, <c>AddMarts</c> and the pause store. Options: <c>Backfills:*</c>, validated at start-up.
    /// </summary>
    public static IServiceCollection AddBackfills(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<BackfillOptions, BackfillOptionsValidator>().Bind(configuration.GetSection(BackfillOptions.SectionName));
        services.AddSingleton<BackfillStore>();
        services.AddSingleton<BackfillDriver>();
        services.AddSingleton<BackfillService>();
        services.AddSingleton<BackfillSignals>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<BackfillSignals>());
        services.AddSingleton<BackfillSweepService>();
        services.AddHostedService(sp => sp.GetRequiredService<BackfillSweepService>());
        return services;
    }
}
