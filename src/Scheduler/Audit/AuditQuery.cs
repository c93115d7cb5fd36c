namespace Scheduler.Audit;

/// <summary>A page of the audit log, newest first, optionally filtered.</summary>
/// <param name="User">Only this user's actions.</param>
/// <param name="Mart">Only actions on this mart.</param>
/// <param name="Action">Only this action.</param>
/// <param name="Before">Only entries older than this id (the previous page's last id).</param>
/// <param name="Limit">At most this many entries.</param>
internal sealed record AuditQuery(string? User, string? Mart, string? Action, long? Before, int Limit);
