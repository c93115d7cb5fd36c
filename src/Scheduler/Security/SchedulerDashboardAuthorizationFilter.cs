using Hangfire.Dashboard;

namespace Scheduler.Security;

/// <summary>
/// Lets into Hangfire's dashboard whoever our authentication accepted (the fallback authorization policy has
/// already challenged everyone else); replaces Hangfire's default local-requests-only filter.
/// </summary>
internal sealed class SchedulerDashboardAuthorizationFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        context.GetHttpContext().User.Identity?.IsAuthenticated == true;
}
