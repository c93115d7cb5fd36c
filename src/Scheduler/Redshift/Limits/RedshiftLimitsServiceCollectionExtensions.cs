using Microsoft.Extensions.DependencyInjection.Extensions;
using Scheduler.Configuration;
using Scheduler.Runs.Watching;

namespace Scheduler.Redshift.Limits;

/// <summary>Registers Redshift's limits as the scheduler keeps them: the run queue's and the Data API call budgets.</summary>
internal static class RedshiftLimitsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="RedshiftLimitsOptions"/> (<c>Redshift:MaxActiveStatements</c>, <c>Redshift:Targets:*</c>,
    /// <c>Redshift:Budget:*</c>, <c>Redshift:QueueSweepInterval</c>), validated at start-up, with the old names
    /// <c>Watching:DescribeCallsPerSecond</c> and <c>Watching:BudgetClaimBatch</c> used when the new budget keys are
    /// absent; and registers the PostgreSQL-backed call budgets (<see cref="PostgresCallBudget"/>, also as the
    /// <see cref="IRedshiftCallBudget"/> stage of the Data API client's pipeline). Needs <c>AddSchedulerDatabase</c>.
    /// Both <c>AddRuns</c> (the queue) and <c>AddRunWatching</c> (the budget) call it; it registers once.
    /// </summary>
    public static IServiceCollection AddRedshiftLimits(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(d => d.ServiceType == typeof(PostgresCallBudget)))
        {
            return services;
        }

        // Read from configuration, not IOptions<WatchingOptions>: a bad Watching value must be reported once, by its own
        // validator, not again as a failure of these options.
        var watching = configuration.GetSection("Watching");
        services.AddValidatedOptions<RedshiftLimitsOptions, RedshiftLimitsOptionsValidator>()
            .Bind(configuration.GetSection(RedshiftLimitsOptions.SectionName))
            .PostConfigure(limits =>
            {
                limits.Budget.DescribeStatement ??= OldKey(watching, "DescribeCallsPerSecond") ?? RedshiftBudgetOptions.DefaultDescribeStatement;
                limits.Budget.ClaimBatch ??= OldKey(watching, "BudgetClaimBatch") ?? RedshiftBudgetOptions.DefaultClaimBatch;
            });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<PostgresCallBudget>();
        services.TryAddSingleton<IRedshiftCallBudget>(sp => sp.GetRequiredService<PostgresCallBudget>());
        return services;
    }

    private static int? OldKey(IConfiguration section, string key) =>
        int.TryParse(section[key], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;
}
