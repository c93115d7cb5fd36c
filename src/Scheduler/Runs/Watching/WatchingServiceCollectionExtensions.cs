using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Redshift;
using Scheduler.Redshift.Limits;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Runs.Watching;

/// <summary>Registers the fast path: the shared DescribeStatement budget and the in-process run watcher.</summary>
internal static class WatchingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>Watching</c> options (validated at start-up), the PostgreSQL-backed call budgets of every operation
    /// (<c>Redshift:Budget:*</c>) — its DescribeStatement bucket as <see cref="IDescribeCallBudget"/> for the watcher, and
    /// all of it as the <see cref="IRedshiftCallBudget"/> stage of the Data API client's pipeline, so every HTTP attempt
    /// of any caller takes a token of its operation — and, when
    /// <see cref="WatchingOptions.Enabled"/>, the <see cref="RunWatcher"/> over the run ledger, delivering what it sees to
    /// <see cref="RunLifecycle"/>. Needs <c>AddSchedulerDatabase</c> and <c>AddRuns</c>.
    /// </summary>
    public static IServiceCollection AddRunWatching(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddValidatedOptions<WatchingOptions, WatchingOptionsValidator>().Bind(configuration.GetSection(WatchingOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        // The call budgets (and the old Watching:* names of two of them) belong to Redshift's limits.
        services.AddRedshiftLimits(configuration);
        services.TryAddSingleton<IDescribeCallBudget>(sp => new DescribeBudget(sp.GetRequiredService<PostgresCallBudget>()));

        // The ledger and the lifecycle; tests may register their own first.
        services.TryAddSingleton<IActiveStatementSource, LedgerActiveStatementSource>();
        services.TryAddSingleton<IStatementOutcomeRecorder, LifecycleOutcomeRecorder>();
        services.TryAddSingleton<RunWatcher>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<IOptions<WatchingOptions>>().Value.Enabled
            ? sp.GetRequiredService<RunWatcher>()
            : new DisabledWatcher());
        return services;
    }

    /// <summary>Stands in for the watcher on an instance that runs without it (the poll jobs still follow every run).</summary>
    private sealed class DisabledWatcher : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
