using Microsoft.Extensions.Logging;
using Scheduler.Background;

namespace Scheduler.Runs.Watching;

internal static partial class Log
{
    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Could not read the active runs for the watcher; retrying")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "Watching statement {StatementId} of run {RunId} failed (attempt {Failures}); next try in {Backoff}")]
    public static partial void PollFailed(ILogger logger, string statementId, string runId, int failures, TimeSpan backoff, Exception exception);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Statement {StatementId} of run {RunId} ended {Status}; recorded by the watcher")]
    public static partial void Recorded(ILogger logger, string statementId, string runId, string? status);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information, Message = "Run watcher started: {WaitTimeSeconds} s long polls, at most {MaxConcurrentLongPolls} at once (DescribeStatement calls within Redshift:Budget:DescribeStatement, shared by all instances)")]
    public static partial void Started(ILogger logger, int waitTimeSeconds, int maxConcurrentLongPolls);
}
