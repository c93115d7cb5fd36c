namespace Scheduler.Security;

internal static partial class Log
{
    [LoggerMessage(EventId = 600, EventName = "LoginFailed", Level = LogLevel.Warning,
        Message = "Failed login for user '{UserName}' from {RemoteAddress} ({Failure}); more failures of this user from this address are summed up every {Window}")]
    public static partial void LoginFailed(this ILogger logger, string userName, string remoteAddress, string failure, TimeSpan window);

    [LoggerMessage(EventId = 601, EventName = "MalformedCredentials", Level = LogLevel.Warning,
        Message = "Malformed Basic credentials from {RemoteAddress}; more from this address are summed up every {Window}")]
    public static partial void MalformedCredentials(this ILogger logger, string remoteAddress, TimeSpan window);

    [LoggerMessage(EventId = 602, EventName = "LoopbackOnly", Level = LogLevel.Information,
        Message = "No user is configured under Security:Users: only requests from this machine to localhost, 127.0.0.1 or [::1] are served")]
    public static partial void LoopbackOnly(this ILogger logger);

    [LoggerMessage(EventId = 603, EventName = "UsersConfigured", Level = LogLevel.Information,
        Message = "{Count} user(s) configured: every request except /healthz and /readyz needs HTTP Basic credentials")]
    public static partial void UsersConfigured(this ILogger logger, int count);

    [LoggerMessage(EventId = 604, EventName = "LoginFailuresSummary", Level = LogLevel.Warning,
        Message = "{Count} more failed login(s) for user '{UserName}' from {RemoteAddress} in the last {Window} ({Throttled} answered 429 without a password check)")]
    public static partial void LoginFailuresSummary(this ILogger logger, int count, string userName, string remoteAddress, TimeSpan window, int throttled);

    [LoggerMessage(EventId = 605, EventName = "LoginFailuresOverflow", Level = LogLevel.Warning,
        Message = "{Count} failed login(s) of {Pairs} further user/address pair(s) in the last {Window} (too many pairs to list)")]
    public static partial void LoginFailuresOverflow(this ILogger logger, int count, int pairs, TimeSpan window);

    [LoggerMessage(EventId = 606, EventName = "NotLocal", Level = LogLevel.Debug,
        Message = "Refused {Method} {Path} in loopback mode: {Reason}")]
    public static partial void NotLocal(this ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 607, EventName = "ExposedLoopbackMode", Level = LogLevel.Critical,
        Message = "No user is configured under Security:Users, but the server listens on {Address}, which is not loopback: stopping. Listen on http://127.0.0.1:PORT, or configure users (docs/security.md)")]
    public static partial void ExposedLoopbackMode(this ILogger logger, string address);
}
