using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs.Triggers;

namespace Scheduler.Pausing;

/// <summary>Registers pausing: the pause store and the gate every trigger and the submit step ask.</summary>
internal static class PausingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PauseStore"/> (its table is made by the database's migrations) and the
    /// <see cref="ITriggerGate"/> that refuses a paused mart's triggers. Needs <c>AddSchedulerDatabase</c> and <c>AddMarts</c>.
    /// </summary>
    public static IServiceCollection AddPausing(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<PauseStore>();
        services.AddSingleton<ITriggerGate, PauseTriggerGate>();
        return services;
    }
}
