using Microsoft.Extensions.Logging;

namespace RedshiftDataEmulator;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Terminated {Count} PostgreSQL backends left running by a previous emulator")]
    public static partial void TerminatedLeftoverBackends(this ILogger logger, long count);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Statement {StatementId} was {Status} when the emulator stopped; recorded as FAILED")]
    public static partial void RecoveredStatement(this ILogger logger, Guid statementId, string status);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Stopped waiting for {Count} running statements at shutdown")]
    public static partial void StopWaitEnded(this ILogger logger, int count);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Statement {StatementId} failed inside the emulator")]
    public static partial void RunnerFailed(this ILogger logger, Guid statementId, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Request {RequestId} for {Operation} failed inside the emulator")]
    public static partial void RequestFailed(this ILogger logger, string requestId, string operation, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Purged {Count} statements older than the retention")]
    public static partial void Purged(this ILogger logger, int count);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Signature checking is off (Emulator:AllowUnsigned=true): any process that reaches this loopback address can run SQL through the emulator")]
    public static partial void UnsignedRequestsAllowed(this ILogger logger);
}
