using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Alerts;
using Scheduler.Api;
using Scheduler.Audit;
using Scheduler.Backfills;
using Scheduler.Configuration;
using Scheduler.Dashboard;
using Scheduler.Database;
using Scheduler.Dependencies;
using Scheduler.Marts;
using Scheduler.Pausing;
using Scheduler.Redshift;
using Scheduler.Runs;
using Scheduler.Runs.Watching;
using Scheduler.Scheduling;
using Scheduler.Security;
using Scheduler.Telemetry;

namespace Scheduler.Hosting;

/// <summary>The composition root of the service: configuration, marts, Hangfire, dashboard and health endpoints.</summary>
internal static class SchedulerApplication
{
    /// <summary>
    /// Builds the service. Bad configuration throws <see cref="SchedulerConfigurationException"/> listing every
    /// problem (each options class's and the mart catalog's, at once), before Hangfire starts.
    /// </summary>
    /// <param name="args">Command-line arguments: standard ASP.NET Core configuration (<c>--urls</c>, <c>--Key=value</c>).</param>
    /// <param name="configure">Optional changes to the builder (tests add configuration here) before services are added.</param>
    /// <exception cref="SchedulerConfigurationException">The configuration is invalid.</exception>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var app = BuildUnstarted(args, configure);
        var problems = ConfigurationChecks.FindProblems(app.Services, ConfigurationCheckScope.StartUp);
        if (problems.Count > 0)
        {
            ((IDisposable)app).Dispose();
            throw new SchedulerConfigurationException(problems);
        }

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
    /// The service's container, built but not started and not checked (nothing is resolved yet): the same registrations
    /// as <see cref="Build"/>, for <c>validate</c>, which asks it for every problem with <see cref="ConfigurationChecks"/>.
    /// </summary>
    internal static WebApplication BuildUnstarted(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);

        var services = builder.Services;
        var configuration = builder.Configuration;
        services.TryAddSingleton(TimeProvider.System);
        // First: its migration runs before the Hangfire server and the run services start.
        services.AddSchedulerDatabase(configuration);
        services.AddMarts(configuration);
        // Before Hangfire's server: hosted services start in this order, and the schedules' sync must have removed a
        // deleted mart's recurring job before the server's scheduler can fire it.
        services.AddScheduling(provider => provider.GetRequiredService<IOptions<HangfireTuningOptions>>().Value.SchedulePollingInterval);
        services.AddSchedulerHangfire(configuration);
        // One instance (its own small pool and cached answer); AddCheck<T> alone would build one per request.
        services.AddSingleton<ReadinessHealthCheck>();
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("postgres", tags: ["ready"]);
        services.AddSchedulerSecurity(configuration);
        // After security: its start-up filter refuses non-local requests in loopback mode before anything is recorded.
        services.AddAudit(configuration);
        services.AddSchedulerAlerts(configuration);
        services.AddSchedulerTelemetry();
        services.AddSchedulerDashboard();
        services.AddSchedulerOpenApi();

        services.AddRedshiftDataClient(configuration);
        services.AddRuns(configuration);
        services.AddLiveMarts();
        services.AddPausing();
        services.AddRunWatching(configuration);
        services.AddDependencies();
        services.AddBackfills(configuration);
        return builder.Build();
    }
}
