namespace Scheduler.Api;

internal static partial class PauseLog
{
    [LoggerMessage(EventId = 2302, EventName = "Paused", Level = LogLevel.Information, Message = "Paused {Mart} by '{User}': {Reason}")]
    public static partial void Paused(ILogger logger, string mart, string user, string reason);
}
