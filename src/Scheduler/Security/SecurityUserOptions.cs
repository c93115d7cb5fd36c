namespace Scheduler.Security;

/// <summary>One <c>Security:Users:&lt;user&gt;</c> section as configured.</summary>
internal sealed class SecurityUserOptions
{
    /// <summary>A hash printed by <c>scheduler hash-password</c>.</summary>
    public string? PasswordHash { get; set; }

    /// <summary><c>Admin</c> or <c>Viewer</c>.</summary>
    public string? Role { get; set; }
}
