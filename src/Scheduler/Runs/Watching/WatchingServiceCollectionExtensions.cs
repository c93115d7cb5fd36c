using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Scheduler.Redshift;

namespace Scheduler.Runs.Watching;

/// <summary>Registers the fast path: the shared DescribeStatement budget and the in-process run watcher.</summary>
public static class WatchingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>Watching</c> options, the PostgreSQL-backed <see cref="IDescribeCallBudget"/>, wraps the registered
    /// <see cref="IRedshiftDataClient"/> so every DescribeStatement takes a budget token, and (when
    /// <see cref="WatchingOptions.Enabled"/>) runs the <see cref="RunWatcher"/>. Call after the Redshift client and the
    /// runs are registered; <see cref="IActiveStatementSource"/> and <see cref="IStatementOutcomeRecorder"/> must be
    /// registered too.
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
        services.TryAddSingleton(_ => NpgsqlDataSource.Create(
            configuration.GetConnectionString("Scheduler")
            ?? throw new InvalidOperationException("ConnectionStrings:Scheduler is not set; the DescribeStatement budget is kept in that PostgreSQL database.")));
        services.TryAddSingleton<PostgresDescribeCallBudget>(sp => ActivatorUtilities.CreateInstance<PostgresDescribeCallBudget>(
            sp, sp.GetRequiredService<NpgsqlDataSource>()));
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
