namespace Scheduler.Security;

/// <summary>What a dashboard/API user may do (<c>Security:Users:&lt;user&gt;:Role</c>).</summary>
internal enum SchedulerRole
{
    /// <summary>Reads the dashboard and the API; cannot trigger or cancel runs.</summary>
    Viewer,

    /// <summary>Everything a viewer may do, plus Run now, Cancel and Hangfire's own commands.</summary>
    Admin,
}
