using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Scheduling;

/// <summary>Registers what makes marts fire: the cron schedules in Hangfire, the cron trigger job and catch-up.</summary>
internal static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the sync of Hangfire's recurring jobs with the marts' schedules (<see cref="MartScheduleSync"/>), the job
    /// they run (<see cref="CronTriggerJob"/>) and catch-up after downtime (<see cref="CatchUpService"/>). Needs
    /// <c>AddMarts</c>, <c>AddRuns</c>, <c>AddPausing</c>, <c>AddBackfills</c> and Hangfire.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="schedulePollingInterval">
    /// How often Hangfire's scheduler looks for due jobs (<c>Hangfire:SchedulePollingInterval</c>): a cron slot younger than
    /// two of these may still fire on its own, so catch-up leaves it alone.
    /// </param>
    public static IServiceCollection AddScheduling(this IServiceCollection services, Func<IServiceProvider, TimeSpan> schedulePollingInterval)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(schedulePollingInterval);
        services.AddSingleton<MartScheduleSync>();
        services.AddHostedService(provider => provider.GetRequiredService<MartScheduleSync>());
        services.AddTransient<CronTriggerJob>();
        services.AddSingleton(provider => ActivatorUtilities.CreateInstance<CatchUpService>(provider, new SchedulePollingInterval(schedulePollingInterval(provider))));
        services.AddHostedService(provider => provider.GetRequiredService<CatchUpService>());
        return services;
    }
}
