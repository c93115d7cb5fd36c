using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scheduler.Alerts;
using Scheduler.Api;
using Scheduler.Dashboard;
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
        services.AddMarts(configuration);
        services.AddSchedulerHangfire(configuration);
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("postgres", tags: ["ready"]);
        services.AddSchedulerSecurity(configuration);
        services.AddSchedulerAlerts(configuration);
        services.AddSchedulerTelemetry();
        services.AddSchedulerDashboard();

        // Feature registrations (one line each) go here.
        services.AddRedshiftDataClient(configuration);
        services.AddRuns(configuration);
        services.AddLiveMarts();
        services.AddRunWatching(configuration);

        var app = builder.Build();
        // Health stays open: probes carry no credentials, and the answers reveal only up or down.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        app.MapHangfireDashboard("/hangfire");
        app.MapSchedulerMetrics();
        app.MapSchedulerApi();
        app.LogSchedulerAccessMode();

        var catalog = app.Services.GetRequiredService<IMartCatalog>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SchedulerApplication).FullName!);
        var summary = string.Join(", ", catalog.Marts.Select(m => m.Cron is null ? $"{m.Name} (manual)" : $"{m.Name} ({m.Cron} {m.TimeZone.Id})"));
        app.Lifetime.ApplicationStarted.Register(() => Log.MartsLoaded(logger, catalog.Marts.Count, summary));
        return app;
    }
}
