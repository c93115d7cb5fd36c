using Hangfire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Scheduler.Runs;

/// <summary>Registers the run lifecycle.</summary>
public static class RunsServiceCollectionExtensions
{
    /// <summary>
    /// Registers the ledger (<see cref="IRunLedger"/>, on <c>ConnectionStrings:Scheduler</c>, schema migrated at
    /// start-up), <see cref="IRunTrigger"/>, <see cref="RunProgress"/>, the run jobs and run recovery. Needs <c>AddMarts</c>, the Redshift client and Hangfire. Options: <c>Runs:*</c>
    /// (<see cref="RunsOptions"/>), validated at start-up. Hangfire must also carry <see cref="RunJobExpirationFilter"/>
    /// (see <c>CreateJobExpirationFilter</c>).
    /// </summary>
    public static IServiceCollection AddRuns(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString("Scheduler");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Scheduler is required: the run ledger lives in that PostgreSQL database.");
        }

        services.AddOptions<RunsOptions>().Bind(configuration.GetSection(RunsOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddKeyedSingleton(RunLedger.DataSourceKey, (_, _) => NpgsqlDataSource.Create(connectionString));
        services.AddSingleton<RunLedger>();
        services.AddSingleton<IRunLedger>(sp => sp.GetRequiredService<RunLedger>());
        services.AddSingleton<RunProgress>();
        services.AddSingleton<LongPollSlots>();
        services.AddSingleton<MartRunner>();
        services.AddSingleton<IRunTrigger>(sp => sp.GetRequiredService<MartRunner>());
        services.AddTransient<SubmitRunJob>();
        services.AddTransient<PollRunJob>();
        services.AddTransient<CronTriggerJob>();

        // Order matters: the schema before anything uses it. (The marts' schedules are synced by AddLiveMarts.)
        services.AddHostedService<RunLedgerMigrator>();
        services.AddSingleton<RunRecoveryService>();
        services.AddHostedService(sp => sp.GetRequiredService<RunRecoveryService>());
        return services;
    }

    /// <summary>The Hangfire filter that shortens the run jobs' retention, from <c>Runs:JobRetention</c>.</summary>
    public static RunJobExpirationFilter CreateJobExpirationFilter(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new RunsOptions();
        configuration.GetSection(RunsOptions.SectionName).Bind(options);
        return new RunJobExpirationFilter(options.JobRetention);
    }
}
