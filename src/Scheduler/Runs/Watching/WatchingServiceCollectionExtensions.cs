using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Redshift;

namespace Scheduler.Runs.Watching;

/// <summary>Registers the fast path: the shared DescribeStatement budget and the in-process run watcher.</summary>
public static class WatchingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>Watching</c> options (validated at start-up), the PostgreSQL-backed budget — as
    /// <see cref="IDescribeCallBudget"/> for the watcher and as the <see cref="IRedshiftCallBudget"/> stage of the Data API
    /// client's pipeline, so every DescribeStatement HTTP attempt of any caller takes a token — and, when
    /// <see cref="WatchingOptions.Enabled"/>, the <see cref="RunWatcher"/> over the run ledger, delivering what it sees to
    /// <see cref="RunLifecycle"/>. Needs <c>AddSchedulerDatabase</c> and <c>AddRuns</c>.
    /// </summary>
    public static IServiceCollection AddRunWatching(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WatchingOptions>().Bind(configuration.GetSection(WatchingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchingOptions>, WatchingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresDescribeCallBudget>();
        services.TryAddSingleton<IDescribeCallBudget>(sp => sp.GetRequiredService<PostgresDescribeCallBudget>());
        services.TryAddSingleton<IRedshiftCallBudget>(sp => sp.GetRequiredService<PostgresDescribeCallBudget>());

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
