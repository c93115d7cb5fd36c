using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Redshift;
using Scheduler.Redshift.Limits;

namespace Scheduler.Runs.Watching;

/// <summary>Registers the fast path: the shared DescribeStatement budget and the in-process run watcher.</summary>
public static class WatchingServiceCollectionExtensions
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

        services.AddOptions<WatchingOptions>().Bind(configuration.GetSection(WatchingOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WatchingOptions>, WatchingOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // Watching:DescribeCallsPerSecond and Watching:BudgetClaimBatch are the old names of Redshift:Budget:DescribeStatement
        // and Redshift:Budget:ClaimBatch: used when the new keys are absent.
        // Read from configuration, not IOptions<WatchingOptions>: a bad Watching value must be reported once, by its own
        // validator, not again as a failure of these options.
        var watching = configuration.GetSection(WatchingOptions.SectionName);
        services.AddOptions<RedshiftLimitsOptions>().PostConfigure(limits =>
        {
            limits.Budget.DescribeStatement ??= OldKey(watching, nameof(WatchingOptions.DescribeCallsPerSecond)) ?? 80;
            limits.Budget.ClaimBatch ??= OldKey(watching, nameof(WatchingOptions.BudgetClaimBatch)) ?? 20;
        });
        services.TryAddSingleton<PostgresCallBudget>();
        services.TryAddSingleton<IDescribeCallBudget>(sp => new DescribeBudget(sp.GetRequiredService<PostgresCallBudget>()));
        services.TryAddSingleton<IRedshiftCallBudget>(sp => sp.GetRequiredService<PostgresCallBudget>());

        // The ledger and the lifecycle; tests may register their own first.
        services.TryAddSingleton<IActiveStatementSource, LedgerActiveStatementSource>();
        services.TryAddSingleton<IStatementOutcomeRecorder, LifecycleOutcomeRecorder>();
        services.TryAddSingleton<RunWatcher>();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(sp => sp.GetRequiredService<IOptions<WatchingOptions>>().Value.Enabled
            ? sp.GetRequiredService<RunWatcher>()
            : new DisabledWatcher());
        return services;
    }

    private static int? OldKey(IConfiguration section, string key) =>
        int.TryParse(section[key], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Stands in for the watcher on an instance that runs without it (the poll jobs still follow every run).</summary>
    private sealed class DisabledWatcher : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
