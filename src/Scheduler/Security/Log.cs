namespace Scheduler.Security;

internal static partial class Log
{
    [LoggerMessage(EventId = 600, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Failed login for user '{UserName}' from {RemoteAddress}")]
    public static partial void LoginFailed(this ILogger logger, string userName, string remoteAddress);

    [LoggerMessage(EventId = 601, EventName = "MalformedCredentials", Level = LogLevel.Warning,
        Message = "Malformed Basic credentials from {RemoteAddress}")]
    public static partial void MalformedCredentials(this ILogger logger, string remoteAddress);

    [LoggerMessage(EventId = 602, EventName = "LoopbackOnly", Level = LogLevel.Information,
        Message = "No user is configured under Security:Users: only loopback requests are served")]
    public static partial void LoopbackOnly(this ILogger logger);

    [LoggerMessage(EventId = 603, EventName = "UsersConfigured", Level = LogLevel.Information,
        Message = "{Count} user(s) configured: every request except /healthz and /readyz needs HTTP Basic credentials")]
    public static partial void UsersConfigured(this ILogger logger, int count);
}
