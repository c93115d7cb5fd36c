namespace Scheduler.Security;

/// <summary>The validated <c>Security</c> section.</summary>
/// <param name="Users">The users (none: loopback mode).</param>
/// <param name="Trust">Where forwarded headers are honoured from.</param>
internal sealed record SecuritySettings(IReadOnlyList<SchedulerUser> Users, ForwardedHeadersTrust Trust);
