using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Marts;
using Scheduler.Runs;

namespace Scheduler.Alerts;

/// <summary>Registers failure alerts.</summary>
internal static class AlertServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="AlertOptions"/> (validated with <c>Marts:&lt;name&gt;:Alerts:WebhookUrl</c> and
    /// <c>Scheduler:PublicUrl</c> by <see cref="AlertOptionsValidator"/>, on start and by <c>validate</c>) and registers
    /// <see cref="FailureAlerts"/> and the delivery job. Needs Hangfire registered.
    /// </summary>
    public static IServiceCollection AddSchedulerAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions(new AlertOptionsValidator(configuration)).Bind(configuration.GetSection(AlertOptions.SectionName));
        // IOptions<T>.Value runs the validator first, so the settings are read from options known to be valid.
        services.AddSingleton(provider => AlertConfiguration.Validate(
            provider.GetRequiredService<IOptions<AlertOptions>>().Value, configuration, new List<ConfigurationProblem>()));
        services.AddSingleton<FailureAlerts>();
        services.AddSingleton<Scheduler.Runs.IRunObserver>(sp => sp.GetRequiredService<FailureAlerts>());
        services.AddTransient<WebhookAlertJob>();
        services.AddHttpClient(WebhookAlertJob.HttpClientName, client =>
        {
            // The job's own timeout (Alerts:Timeout) is the one that counts.
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Scheduler-Alerts/1.0");
        })
            // A 307/308 would replay the POST, alert and all, to wherever the receiver points: never follow one.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, MaxResponseHeadersLength = 16 })
            // The factory's default handlers log every request's full URL at Information, and Slack, Teams and
            // Discord webhook URLs carry their token in the path. Our own log lines name the mart and run instead.
            .RemoveAllLoggers();
        return services;
    }
}
