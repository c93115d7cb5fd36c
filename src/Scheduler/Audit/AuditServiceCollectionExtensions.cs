using Scheduler.Configuration;

namespace Scheduler.Audit;

/// <summary>Registers the audit log: its store, the middleware that records requests, and its retention job.</summary>
internal static class AuditServiceCollectionExtensions
{
    /// <summary>Adds the audit log, with <c>Audit:*</c> validated at start-up.</summary>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<AuditOptions, AuditOptionsValidator>().Bind(configuration.GetSection(AuditOptions.SectionName));
        services.AddSingleton<AuditStore>();
        services.AddTransient<AuditRetentionJob>();
        services.AddHostedService<AuditRetentionSchedule>();
        services.AddSingleton<IStartupFilter, AuditStartupFilter>();
        return services;
    }
}
