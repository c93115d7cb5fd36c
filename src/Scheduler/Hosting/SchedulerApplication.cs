using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scheduler.Alerts;
using Scheduler.Api;
using Scheduler.Backfills;
using Scheduler.Database;
using Scheduler.Dashboard;
using Scheduler.Dependencies;
using Scheduler.Marts;
using Scheduler.Redshift;
using Scheduler.Runs;
using Scheduler.Runs.Watching;
using Scheduler.Security;
using Scheduler.Telemetry;

namespace Scheduler.Hosting;

/// <summary>The composition root of the service: configuration, marts, Hangfire, dashboard and health endpoints.</summary>
public static class SchedulerApplication
{
    /// <summary>
    /// Builds the service. Bad configuration throws <see cref="SchedulerConfigurationException"/> listing every
    /// problem, before Hangfire starts.
    /// </summary>
    /// <param name="args">Command-line arguments: standard ASP.NET Core configuration (<c>--urls</c>, <c>--Key=value</c>).</param>
    /// <param name="configure">Optional changes to the builder (tests add configuration here) before services are added.</param>
    /// <exception cref="SchedulerConfigurationException">The configuration is invalid.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var services = builder.Services;
        var configuration = builder.Configuration;
        services.TryAddSingleton(TimeProvider.System);
        // First: its migration runs before the Hangfire server and the run services start.
        services.AddSchedulerDatabase(configuration);
        services.AddMarts(configuration);
        services.AddSchedulerHangfire(configuration);
        // One instance (its own small pool and cached answer); AddCheck<T> alone would build one per request.
        services.AddSingleton<ReadinessHealthCheck>();
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("postgres", tags: ["ready"]);
        services.AddSchedulerSecurity(configuration);
        services.AddSchedulerAlerts(configuration);
        services.AddSchedulerTelemetry();
        services.AddSchedulerDashboard();
        services.AddSchedulerOpenApi();

        // Feature registrations (one line each) go here.
        services.AddRedshiftDataClient(configuration);
        services.AddRuns(configuration);
        services.AddLiveMarts();
        services.AddRunWatching(configuration);
        services.AddDependencies();
        services.AddBackfills(configuration);

        var app = builder.Build();
        ValidateOptions(app.Services);
        // Health stays open: probes carry no credentials, and the answers reveal only up or down.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapHangfireDashboard("/hangfire");
        app.MapSchedulerMetrics();
        app.MapSchedulerApi();
        app.MapSchedulerOpenApi();
        app.LogSchedulerAccessMode();

        var catalog = app.Services.GetRequiredService<IMartCatalog>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchedulerApplication).FullName!);
        var summary = string.Join(", ", catalog.Marts.Select(m => m.Cron is null ? $"{m.Name} (manual)" : $"{m.Name} ({m.Cron} {m.TimeZone.Id})"));
        app.Lifetime.ApplicationStarted.Register(() => Log.MartsLoaded(logger, catalog.Marts.Count, summary));
        return app;
    }

    /// <summary>
    /// The problems the options validators find in <paramref name="configuration"/> (database, runs, watcher, Hangfire,
    /// Redshift client): the same validators the service runs at start-up, for <c>validate</c>. Nothing is constructed
    /// but the options.
    /// </summary>
    public static IReadOnlyList<string> FindOptionsProblems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSchedulerDatabase(configuration);
        services.AddSchedulerHangfire(configuration);
        services.AddRedshiftDataClient(configuration);
        services.AddRuns(configuration);
        services.AddRunWatching(configuration);
        services.AddBackfills(configuration);
        using var provider = services.BuildServiceProvider();
        try
        {
            ValidateOptions(provider);
            return [];
        }
        catch (SchedulerConfigurationException ex)
        {
            return [.. ex.Message.Split(Environment.NewLine).Skip(1).Select(line => line.Trim())];
        }
    }

    /// <summary>
    /// Runs every options validator registered with ValidateOnStart now, so bad configuration fails the build with every
    /// problem listed (as the <c>validate</c> command reports them), before any hosted service starts.
    /// </summary>
    /// <exception cref="SchedulerConfigurationException">Some options are invalid.</exception>
    public static void ValidateOptions(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        }
        catch (Exception ex) when (ex is Microsoft.Extensions.Options.OptionsValidationException or AggregateException or InvalidOperationException)
        {
            // A value that does not even bind (a TimeSpan that does not parse) surfaces as the binder's own message,
            // which names the key.
            var failures = (ex is AggregateException aggregate ? aggregate.Flatten().InnerExceptions : [ex])
                .SelectMany(f => f is Microsoft.Extensions.Options.OptionsValidationException validation ? validation.Failures : [f.Message])
                .ToList();
            throw new SchedulerConfigurationException(
                $"The configuration has {failures.Count} problem(s):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", failures), ex);
        }
    }
}
