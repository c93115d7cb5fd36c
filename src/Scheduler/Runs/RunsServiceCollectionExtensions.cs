using Microsoft.Extensions.DependencyInjection.Extensions;
using Scheduler.Configuration;
using Scheduler.Database;
using Scheduler.Redshift.Limits;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Queue;
using Scheduler.Runs.Recovery;
using Scheduler.Runs.Retention;
using Scheduler.Runs.Retries;
using Scheduler.Runs.Steps;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Runs;

/// <summary>Registers the run lifecycle.</summary>
internal static class RunsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger's read models (<see cref="IRunQueries"/>, <see cref="RunSweepQueries"/>), the lifecycle
    /// (<see cref="RunLifecycle"/>, the one writer with <see cref="RunRetentionJob"/>), <see cref="IRunTrigger"/>, the run
    /// jobs, recovery, the ledger's retention job and the run metrics (an <see cref="IRunObserver"/>). Needs
    /// <c>AddSchedulerDatabase</c>, <c>AddMarts</c>, the Redshift client and Hangfire. Options: <c>Runs:*</c>
    /// (<see cref="RunsOptions"/>), validated at start-up.
    /// </summary>
    public static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<RunsOptions, RunsOptionsValidator>().Bind(configuration.GetSection(RunsOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton(sp => new RunMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<RunMetrics>());

        // Redshift's limits (Redshift:MaxActiveStatements, Redshift:Targets:*, Redshift:Budget:*) and the run queue.
        services.AddRedshiftLimits(configuration);
        services.AddSingleton<RunQueueSignal>();
        services.AddSingleton<IRunObserver>(sp => sp.GetRequiredService<RunQueueSignal>());
        services.AddSingleton<RunQueueDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RunQueueDispatcher>());
        // The ledger: two read models in the container, and the write store handed only to the lifecycle and retention.
        services.AddSingleton<IRunQueries, RunQueries>();
        services.AddSingleton<RunSweepQueries>();
        services.AddSingleton<RunPolicy>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<RunLifecycle>(sp, NewStore(sp)));
        services.AddSingleton<RunRetrier>();
        services.AddSingleton<RunControl>();
        services.AddSingleton<IRunTrigger>(sp => sp.GetRequiredService<RunControl>());
        services.AddTransient<SubmitRunJob>();
        services.AddTransient<PollRunJob>();
        services.AddTransient<RetryRunJob>();
        services.AddTransient(sp => ActivatorUtilities.CreateInstance<RunRetentionJob>(sp, NewStore(sp)));

        // The marts' schedules and their trigger job are AddScheduling's.
        services.AddHostedService<RunRetentionSchedule>();
        services.AddSingleton<RunRecoveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<RunRecoveryService>());
        return services;
    }

    /// <summary>
    /// The write store, made for the two classes that may write runs (and not registered, so nobody else can ask the
    /// container for it). It holds no state but the database's, so each gets its own.
    /// </summary>
    private static RunStore NewStore(IServiceProvider services) => new(services.GetRequiredService<SchedulerDatabase>());
}
