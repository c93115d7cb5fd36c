namespace Scheduler.Alerts;

internal static partial class Log
{
    [LoggerMessage(EventId = 700, EventName = "AlertEnqueued", Level = LogLevel.Information,
        Message = "Failure alert for mart '{Mart}' run {RunId} ({Status}) enqueued as job {JobId}")]
    public static partial void AlertEnqueued(this ILogger logger, string mart, string runId, string status, string jobId);

    [LoggerMessage(EventId = 701, EventName = "AlertEnqueueFailed", Level = LogLevel.Error,
        Message = "Could not enqueue the failure alert for mart '{Mart}' run {RunId} ({Status}); the run itself is recorded")]
    public static partial void AlertEnqueueFailed(this ILogger logger, Exception exception, string mart, string runId, string status);

    [LoggerMessage(EventId = 702, EventName = "AlertDelivered", Level = LogLevel.Information,
        Message = "Failure alert for mart '{Mart}' run {RunId} delivered (attempt {Attempt})")]
    public static partial void AlertDelivered(this ILogger logger, string mart, string runId, int attempt);

    [LoggerMessage(EventId = 703, EventName = "AlertRetrying", Level = LogLevel.Warning,
        Message = "Failure alert for mart '{Mart}' run {RunId}: attempt {Attempt} failed ({Failure}); retrying in {Delay}")]
    public static partial void AlertRetrying(this ILogger logger, string mart, string runId, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(EventId = 704, EventName = "AlertGaveUp", Level = LogLevel.Error,
        Message = "Failure alert for mart '{Mart}' run {RunId} not delivered after {Attempt} attempt(s): {Failure}")]
    public static partial void AlertGaveUp(this ILogger logger, string mart, string runId, int attempt, string failure);

    [LoggerMessage(EventId = 705, EventName = "AlertDropped", Level = LogLevel.Warning,
        Message = "Failure alert for mart '{Mart}' run {RunId} dropped: the mart no longer has a webhook configured")]
    public static partial void AlertDropped(this ILogger logger, string mart, string runId);
}
