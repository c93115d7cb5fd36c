using Hangfire;
using Hangfire.Dashboard;
using Scheduler.Security;

namespace Scheduler.Dashboard;

/// <summary>Registers the Hangfire dashboard's options and the Marts pages.</summary>
internal static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="DashboardOptions"/> that <c>MapHangfireDashboard</c> picks up: our authentication
    /// instead of Hangfire's local-requests-only filter, read-only for users without the Admin role, and no storage
    /// connection details in the footer.
    /// </summary>
    public static IServiceCollection AddSchedulerDashboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        MartsDashboard.Register();
        // Our pages' inline scripts, allowed by the Content-Security-Policy by hash.
        foreach (var script in DashboardHtml.InlineScripts)
        {
            services.AddSingleton(new InlineScript(script));
        }

        services.AddSingleton(new DashboardOptions
        {
            DashboardTitle = "Scheduler · Hangfire Dashboard",
            AppPath = null,
            Authorization = [new SchedulerDashboardAuthorizationFilter()],
            IsReadOnlyFunc = context => !SchedulerAuthentication.IsAdmin(context.GetHttpContext().User),
            DisplayStorageConnectionString = false,
        });
        return services;
    }
}
