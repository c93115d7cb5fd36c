using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Store;

namespace Scheduler.Runs.Steps;

/// <summary>
/// The durable backstop check of a submitted run (a delayed Hangfire job carrying the run id and the poll attempt):
/// one plain DescribeStatement, its answer delivered to <see cref="RunLifecycle"/>, which schedules the next check. Past
/// the deadline it asks for the cancel; while Cancelling it resends CancelStatement before each check. The watcher
/// long-polls; this job never does, so it holds a worker for one short call.
/// </summary>
/// <remarks>
/// A poll for a run that ended or moved to another attempt does nothing. Data API errors never fail the job: they are
/// events (poll again later). Only PostgreSQL failures throw, and Hangfire's retry is safe: the attempt number makes
/// every copy after the first a no-op. A Failed outcome recorded here throws <see cref="RunFailedException"/> so the
/// run shows in Hangfire's Failed list.
/// </remarks>
[AutomaticRetry(Attempts = 50, DelaysInSeconds = [1, 2, 5, 10, 20, 30, 60], ExceptOn = [typeof(RunFailedException)], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed partial class PollRunJob(
    IRunQueries ledger,
    RunLifecycle lifecycle,
    IRedshiftDataClient redshift,
    IOptions<RunsOptions> options,
    TimeProvider timeProvider,
    RunMetrics metrics,
    ILogger<PollRunJob> logger)
{
    private readonly RunFaultPoints _faults = new(options);

    /// <summary>Checks the run's statement once.</summary>
    [DisplayName("Poll run {0} (attempt {1})")]
    public async Task PollAsync(Guid runId, int attempt, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        var action = RunStateMachine.NextPollAction(run, attempt, timeProvider.GetUtcNow());
        if (run?.StatementId is not { } statementId || action == RunJobAction.Nothing)
        {
            LogStale(logger, runId, attempt, run?.PollAttempt, run?.Status);
            return;
        }

        await _faults.ReachedAsync(RunFaultPoints.DuringPoll, runId, cancellationToken).ConfigureAwait(false);

        if (action == RunJobAction.DeliverDeadline)
        {
            // Moves the run to Cancelling and schedules the poll that sends the cancel.
            LogTimeout(logger, runId, statementId);
            await lifecycle.ApplyAsync(runId, new RunEvent.DeadlinePassed(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (action == RunJobAction.CancelThenDescribe)
        {
            await TryCancelStatementAsync(run, statementId, cancellationToken).ConfigureAwait(false);
        }

        RunEvent evt;
        try
        {
            var statement = await redshift.DescribeStatementAsync(new DescribeStatementRequest { Id = statementId }, cancellationToken).ConfigureAwait(false);
            evt = new RunEvent.Polled(statement, attempt);
            metrics.Poll(run.Mart, StatusString.IsTerminal(statement.Status) ? "terminal" : "running");
            if (!StatusString.IsTerminal(statement.Status) && statement.Status is not (StatusString.Submitted or StatusString.Picked or StatusString.Started))
            {
                LogUnknownStatus(logger, runId, statementId, statement.Status);
            }
        }
        catch (Exception ex) when (RunErrors.IsUnknownStatement(ex, statementId))
        {
            metrics.Poll(run.Mart, "not_found");
            evt = new RunEvent.StatementUnknown(statementId, RunErrors.Describe(ex));
        }
        catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken) || ex is RedshiftDataException)
        {
            // Not an answer about the statement: ask again later, however long Redshift stays unreachable.
            metrics.Poll(run.Mart, "error");
            LogPollError(logger, runId, attempt, RunErrors.Describe(ex));
            evt = new RunEvent.PollFailed(attempt, RunErrors.Describe(ex));
        }

        var result = await lifecycle.ApplyAsync(runId, evt, cancellationToken).ConfigureAwait(false);
        if (result is { Applied: true, Run: { Status: RunStatus.Failed } failed })
        {
            throw new RunFailedException(failed.RunId, failed.Mart, failed.Error ?? "failed");
        }
    }

    /// <summary>CancelStatement, best effort: this poll's answer (or the next) shows whether it took.</summary>
    private async Task TryCancelStatementAsync(RunRecord run, string statementId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await redshift.CancelStatementAsync(new CancelStatementRequest { Id = statementId }, cancellationToken).ConfigureAwait(false);
            LogCancelSent(logger, run.RunId, statementId, response.Status);
        }
        catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken) || ex is RedshiftDataException)
        {
            // A statement that already ended refuses the cancel, and an unreachable service is asked again next poll.
            LogCancelFailed(logger, run.RunId, statementId, RunErrors.Describe(ex));
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "Poll of run {RunId} attempt {Attempt}: nothing to do (run at attempt {Current}, status {Status})")]
    private static partial void LogStale(ILogger logger, Guid runId, int attempt, int? current, RunStatus? status);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Run {RunId} passed its timeout; cancelling statement {StatementId}")]
    private static partial void LogTimeout(ILogger logger, Guid runId, string statementId);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Poll of run {RunId} attempt {Attempt} failed; polling again later: {Error}")]
    private static partial void LogPollError(ILogger logger, Guid runId, int attempt, string error);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Run {RunId}: statement {StatementId} has status '{Status}', which is not in the Data API's model; treating it as still running (bounded by the timeout)")]
    private static partial void LogUnknownStatus(ILogger logger, Guid runId, string statementId, string? status);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "Run {RunId}: CancelStatement {StatementId} answered {Accepted}")]
    private static partial void LogCancelSent(ILogger logger, Guid runId, string statementId, bool accepted);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Warning, Message = "Run {RunId}: CancelStatement {StatementId} failed (the next poll tries again): {Error}")]
    private static partial void LogCancelFailed(ILogger logger, Guid runId, string statementId, string error);
}
