namespace Scheduler.Security;

/// <summary>A configured user: <c>Security:Users:&lt;Name&gt;:PasswordHash</c> and <c>:Role</c>.</summary>
/// <param name="Name">The user name (the configuration key), compared ordinally.</param>
/// <param name="Role">What the user may do.</param>
/// <param name="PasswordHash">The parsed password hash.</param>
internal sealed record SchedulerUser(string Name, SchedulerRole Role, PasswordHash PasswordHash);
