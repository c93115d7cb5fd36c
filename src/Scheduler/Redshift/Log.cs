using Microsoft.Extensions.Logging;

namespace Scheduler.Redshift;

internal static partial class Log
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Redshift Data API {Operation} attempt {Attempt} failed with {ErrorCode}; retrying in {DelayMs} ms")]
    public static partial void RetryScheduled(this ILogger logger, string operation, int attempt, string errorCode, long delayMs, Exception? exception);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug,
        Message = "Redshift Data API {Operation} answered {StatusCode} after {Attempts} attempt(s) (request id {RequestId})")]
    public static partial void CallCompleted(this ILogger logger, string operation, int statusCode, int attempts, string? requestId);
}
