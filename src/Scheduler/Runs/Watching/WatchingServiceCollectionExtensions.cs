using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Scheduler.Redshift;

namespace Scheduler.Runs.Watching;

/// <summary>Registers the fast path: the shared DescribeStatement budget and the in-process run watcher.</summary>
public static class WatchingServiceCollectionExtensions
{
    /// <summary>The DI key of the PostgreSQL data source the budget uses (<c>ConnectionStrings:Scheduler</c>).</summary>
    public const string DataSourceKey = "Scheduler.Runs.Watching";

    /// <summary>
    /// Adds the <c>Watching</c> options, the PostgreSQL-backed <see cref="IDescribeCallBudget"/>, wraps the registered
    /// <see cref="IRedshiftDataClient"/> so every DescribeStatement takes a budget token, and (when
    /// <see cref="WatchingOptions.Enabled"/>) runs the <see cref="RunWatcher"/> over the run ledger, recording through
    /// <see cref="RunProgress.TryCompleteAsync"/>. Call after the Redshift client (<c>AddRedshiftDataClient</c>) and the
    /// runs (<c>AddRuns</c>) are registered.
    /// </summary>
    /// <exception cref="InvalidOperationException">No <see cref="IRedshiftDataClient"/> is registered yet.</exception>
    public static IServiceCollection AddRunWatching(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<WatchingOptions>()
            .Bind(configuration.GetSection(WatchingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // Its own small pool: budget claims must not queue behind Hangfire's or the ledger's connections.
        services.TryAddKeyedSingleton(DataSourceKey, (_, _) => NpgsqlDataSource.Create(
            configuration.GetConnectionString("Scheduler")
            ?? throw new InvalidOperationException("ConnectionStrings:Scheduler is not set; the DescribeStatement budget is kept in that PostgreSQL database.")));
        services.TryAddSingleton<PostgresDescribeCallBudget>(sp => ActivatorUtilities.CreateInstance<PostgresDescribeCallBudget>(
            sp, sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey)));
        services.TryAddSingleton<IDescribeCallBudget>(sp => sp.GetRequiredService<PostgresDescribeCallBudget>());

        var client = services.LastOrDefault(d => d.ServiceType == typeof(IRedshiftDataClient) && !d.IsKeyedService)
            ?? throw new InvalidOperationException(
                "AddRunWatching must come after the Redshift Data API client is registered (AddRedshiftDataClient): it wraps that client with the DescribeStatement budget.");
        if (client.ImplementationType != typeof(BudgetedRedshiftDataClient))
        {
            services.Remove(client);
            services.Add(new ServiceDescriptor(
                typeof(IRedshiftDataClient),
                sp => new BudgetedRedshiftDataClient(CreateInner(sp, client), sp.GetRequiredService<IDescribeCallBudget>()),
                client.Lifetime));
        }

        // The ledger and the runs' completion entry point; tests may register their own first.
        services.TryAddSingleton<IActiveStatementSource, LedgerActiveStatementSource>();
        services.TryAddSingleton<IStatementOutcomeRecorder, RunProgressOutcomeRecorder>();

        var enabled = configuration.GetSection(WatchingOptions.SectionName).GetValue(nameof(WatchingOptions.Enabled), defaultValue: true);
        if (enabled)
        {
            services.TryAddSingleton<RunWatcher>();
            services.AddHostedService(sp => sp.GetRequiredService<RunWatcher>());
        }

        return services;
    }

    private static IRedshiftDataClient CreateInner(IServiceProvider provider, ServiceDescriptor descriptor) =>
        (IRedshiftDataClient)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));
}
