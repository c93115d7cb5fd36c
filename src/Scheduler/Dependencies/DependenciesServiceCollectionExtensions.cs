using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;

namespace Scheduler.Dependencies;

/// <summary>Registers mart dependencies: the propagator, its job, the run observer and the sweep.</summary>
internal static class DependenciesServiceCollectionExtensions
{
    /// <summary>Registers dependencies. Needs <c>AddRuns</c> and <c>AddMarts</c>.</summary>
    public static IServiceCollection AddDependencies(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<DependencyPropagator>();
        services.AddTransient<PropagateDependantsJob>();
        services.AddSingleton<IRunObserver, DependencyObserver>();
        services.AddSingleton<DependencySweepService>();
        services.AddHostedService(sp => sp.GetRequiredService<DependencySweepService>());
        return services;
    }
}
