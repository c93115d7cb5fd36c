using Hangfire;
using Microsoft.Extensions.Logging;
using Scheduler.Runs.Retries;
using Scheduler.Runs.Steps;

namespace Scheduler.Runs.Lifecycle;

/// <summary>After a change is stored: the job it asks for, what observers and the log are told.</summary>
internal sealed partial class RunLifecycle
{
    /// <summary>The one place a run's next job is scheduled (its poll attempt was moved by the same write).</summary>
    private void Schedule(RunRecord run, RunStep step, DateTimeOffset now)
    {
        var runId = run.RunId;
        var delay = step.At > now ? step.At - now : TimeSpan.Zero;
        switch (step.Kind)
        {
            case RunStepKind.Submit when delay == TimeSpan.Zero:
                jobs.Enqueue<SubmitRunJob>(job => job.SubmitAsync(runId, CancellationToken.None));
                break;
            case RunStepKind.Submit:
                jobs.Schedule<SubmitRunJob>(job => job.SubmitAsync(runId, CancellationToken.None), delay);
                break;
            case RunStepKind.Poll:
                var attempt = run.PollAttempt;
                if (delay == TimeSpan.Zero)
                {
                    jobs.Enqueue<PollRunJob>(job => job.PollAsync(runId, attempt, CancellationToken.None));
                }
                else
                {
                    jobs.Schedule<PollRunJob>(job => job.PollAsync(runId, attempt, CancellationToken.None), delay);
                }

                break;
            case RunStepKind.Retry:
                jobs.Schedule<RetryRunJob>(job => job.RetryAsync(runId, CancellationToken.None), delay);
                break;
        }
    }

    private void Notify(RunRecord run, RunNotice notice, DateTimeOffset now)
    {
        if (notice == RunNotice.Ended)
        {
            var delay = run.StatementFinishedAt is { } finished ? (now - finished).TotalMilliseconds : (double?)null;
            LogEnded(logger, run.RunId, run.Status, delay, run.Error);
            if (run.RetryAt is { } retryAt)
            {
                LogRetryDue(logger, run.RunId, run.Attempt + 1, retryAt);
            }
        }
        else if (notice == RunNotice.Unconfirmed)
        {
            LogUnconfirmed(logger, run.RunId, run.StatementId, run.StatusReason);
        }
        else if (notice == RunNotice.RetryAbandoned)
        {
            LogRetryAbandoned(logger, run.RunId, run.StatusReason);
        }

        foreach (var observer in _observers)
        {
            try
            {
                switch (notice)
                {
                    case RunNotice.Reserved:
                        observer.RunReserved(run);
                        if (run.Status == RunStatus.Skipped)
                        {
                            observer.RunEnded(run);
                        }

                        break;
                    case RunNotice.Ended:
                        observer.RunEnded(run);
                        break;
                    case RunNotice.Unconfirmed:
                        observer.OutcomeUnconfirmed(run);
                        break;
                    case RunNotice.Queued:
                        observer.RunQueued(run);
                        break;
                    case RunNotice.RetryAbandoned:
                        observer.RetryAbandoned(run);
                        break;
                }
            }
#pragma warning disable CA1031 // the change is stored; an observer (metrics, an alert) failing must not fail the job that stored it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogObserverFailed(logger, ex, run.RunId, observer.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Run {RunId} of mart {Mart} reserved ({Trigger}, logical date {LogicalDate:O})")]
    private static partial void LogReserved(ILogger logger, Guid runId, string mart, RunTrigger trigger, DateTimeOffset logicalDate);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Mart {Mart}: {Trigger} trigger for {LogicalDate:O} recorded Skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string mart, RunTrigger trigger, DateTimeOffset logicalDate, string? reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Run {RunId}: {Event} moved it from {From} to {To}")]
    private static partial void LogTransition(ILogger logger, Guid runId, RunEventKind @event, RunStatus from, RunStatus to);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Run {RunId}: {Event} refused in status {Status}")]
    private static partial void LogRefused(ILogger logger, Guid runId, RunEventKind @event, RunStatus status);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information,
        Message = "Run {RunId} ended {Status} (detected {DetectionDelayMs} ms after Redshift's UpdatedAt): {Error}")]
    private static partial void LogEnded(ILogger logger, Guid runId, RunStatus status, double? detectionDelayMs, string? error);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Run {RunId} will be retried (attempt {Attempt}) at {RetryAt:O}")]
    private static partial void LogRetryDue(ILogger logger, Guid runId, int attempt, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Run {RunId} (statement {StatementId}): outcome unconfirmed: {Reason}")]
    private static partial void LogUnconfirmed(ILogger logger, Guid runId, string? statementId, string? reason);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Run {RunId}: its retry is not made: {Reason}")]
    private static partial void LogRetryAbandoned(ILogger logger, Guid runId, string? reason);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Run {RunId} changed, but observer {Observer} failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, Guid runId, string observer);

    /// <summary>A decision stored by <see cref="DecideAndStoreAsync"/>, waiting for <see cref="PublishAsync"/>.</summary>
    private sealed record StoredChange(RunRecord Run, RunStatus From, RunEventKind Event, RunStep Step, RunNotice Notice);
}
