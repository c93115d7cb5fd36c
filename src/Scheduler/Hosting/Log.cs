namespace Scheduler.Hosting;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "MartsLoaded", Level = LogLevel.Information,
        Message = "Scheduler started with {MartCount} mart(s): {Marts}")]
    public static partial void MartsLoaded(ILogger logger, int martCount, string marts);
}
