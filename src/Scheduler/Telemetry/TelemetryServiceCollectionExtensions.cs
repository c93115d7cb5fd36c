using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Scheduler.Runs;

namespace Scheduler.Telemetry;

/// <summary>Registers the service's metrics and their Prometheus endpoint.</summary>
internal static class TelemetryServiceCollectionExtensions
{
    /// <summary>The meter of the Redshift Data API client (calls, attempts, retries, throttles).</summary>
    public const string RedshiftMeterName = "Scheduler.Redshift";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers OpenTelemetry metrics for the <c>Scheduler.Runs</c>,
    /// <c>Scheduler.Redshift</c> and ASP.NET Core request meters, exported in Prometheus text format.
    /// </summary>
    public static IServiceCollection AddSchedulerTelemetry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("scheduler"))
            .WithMetrics(metrics => metrics
                .AddMeter(RunMetrics.MeterName, RedshiftMeterName, "Microsoft.AspNetCore.Hosting")
                .AddPrometheusExporter());
        return services;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format), behind the same access rules as the API.</summary>
    public static IEndpointConventionBuilder MapSchedulerMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
    }
}
