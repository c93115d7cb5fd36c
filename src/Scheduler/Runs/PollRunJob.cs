using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Marts;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Runs;

/// <summary>
/// One poll of a running batch (a delayed Hangfire job carrying the run id and the poll attempt number). It does
/// nothing for a run that ended or has moved to another attempt; otherwise it calls DescribeStatement (long polling
/// while a slot is free), records a terminal outcome through <see cref="RunProgress"/>, or moves the run to the next
/// attempt and schedules it after an adaptive interval. Past the deadline it cancels the statement (TimedOut).
/// </summary>
/// <remarks>
/// Data API errors never fail the job: throttling, 5xx and network errors are polled again later; ResourceNotFound
/// (metadata expired), or a ValidationException about the checkpointed id (seen from the service for expired ids),
/// ends the run as Lost. Only PostgreSQL failures throw, and Hangfire's retry of the job is safe:
/// the attempt number makes every copy after the first a no-op.
/// </remarks>
[AutomaticRetry(Attempts = 50, DelaysInSeconds = [1, 2, 5, 10, 20, 30, 60], ExceptOn = [typeof(RunFailedException)], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed partial class PollRunJob(
    RunLedger ledger,
    RunProgress progress,
    IMartCatalog catalog,
    IRedshiftDataClient redshift,
    IBackgroundJobClient jobs,
    LongPollSlots longPollSlots,
    IOptions<RunsOptions> options,
    TimeProvider timeProvider,
    Scheduler.Telemetry.RunMetrics metrics,
    ILogger<PollRunJob> logger)
{
    private static readonly TimeSpan MinDelay = TimeSpan.FromMilliseconds(500);
    private readonly RunFaultPoints _faults = new(options);

    /// <summary>Polls the run's statement once.</summary>
    [DisplayName("Poll run {0} (attempt {1})")]
    public async Task PollAsync(Guid runId, int attempt, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal() || run.PollAttempt != attempt || run.StatementId is null)
        {
            LogStale(logger, runId, attempt, run?.PollAttempt, run?.Status);
            return;
        }

        await _faults.ReachedAsync(RunFaultPoints.DuringPoll, runId, cancellationToken).ConfigureAwait(false);

        var now = timeProvider.GetUtcNow();
        if (run.Status == RunStatus.Running && now >= run.DeadlineAt)
        {
            run = await ledger.RequestCancelAsync(runId, CancelReasons.Timeout, now, cancellationToken).ConfigureAwait(false);
            if (run is null || run.Status.IsTerminal())
            {
                return;
            }

            LogTimeout(logger, runId, run.StatementId!);
            await RunCancellation.TryCancelStatementAsync(redshift, logger, run, cancellationToken).ConfigureAwait(false);
        }

        DescribeStatementResponse statement;
        try
        {
            statement = await DescribeAsync(run, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunErrors.IsUnknownStatement(ex, run.StatementId!))
        {
            metrics.Poll(run.Mart, "not_found");
            var error = $"Redshift no longer knows statement {run.StatementId} ({RunErrors.Describe(ex)}). The Data API keeps a " +
                "statement's metadata for about 24 hours, so this run's outcome cannot be known: check the mart's tables.";
            await progress.CompleteAsync(runId, new RunOutcome(RunStatus.Lost, error), pollsToAdd: 1, onlyIfNeverSubmitted: false, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken) || ex is RedshiftDataException)
        {
            // Any other answer is not an outcome: poll again later, bounded by the deadline.
            metrics.Poll(run.Mart, "error");
            LogPollError(logger, runId, attempt, RunErrors.Describe(ex));
            if (!await GiveUpIfDueAsync(run, $"the last DescribeStatement failed: {RunErrors.Describe(ex)}", cancellationToken).ConfigureAwait(false))
            {
                await ContinueAsync(run, afterError: true, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (statement.Status == StatusString.Aborted && run.CancelReason is null)
        {
            // The describe may have waited (long polling) while someone asked for the cancel that caused this ABORTED:
            // read the run again so the outcome names the cancel's reason rather than "cancelled outside the scheduler".
            run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false) ?? run;
        }

        var terminal = RunProgress.OutcomeOf(run, statement);
        metrics.Poll(run.Mart, terminal is null ? "running" : "terminal");
        if (terminal is { } outcome)
        {
            var recorded = await progress.CompleteAsync(runId, outcome, pollsToAdd: 1, onlyIfNeverSubmitted: false, cancellationToken).ConfigureAwait(false);
            if (recorded && outcome.Status == RunStatus.Failed)
            {
                throw new RunFailedException(runId, run.Mart, outcome.Error ?? "failed");
            }

            return;
        }

        if (statement.Status is not (StatusString.Submitted or StatusString.Picked or StatusString.Started))
        {
            LogUnknownStatus(logger, runId, run.StatementId!, statement.Status);
        }

        if (run.Status == RunStatus.Cancelling)
        {
            if (await GiveUpIfDueAsync(run, $"Redshift last reported {statement.Status}", cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await RunCancellation.TryCancelStatementAsync(redshift, logger, run, cancellationToken).ConfigureAwait(false);
        }

        await ContinueAsync(run, afterError: false, cancellationToken).ConfigureAwait(false);
    }

    private async Task<DescribeStatementResponse> DescribeAsync(RunRecord run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = new DescribeStatementRequest { Id = run.StatementId! };
        var wait = options.Value.LongPollWaitTime;
        var left = run.Status == RunStatus.Running ? run.DeadlineAt - now : TimeSpan.Zero;
        if (wait >= TimeSpan.FromSeconds(1) && left >= TimeSpan.FromSeconds(1) && longPollSlots.TryEnter())
        {
            try
            {
                request.WaitTimeSeconds = (int)Math.Min(wait.TotalSeconds, left.TotalSeconds);
                return await redshift.DescribeStatementAsync(request, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                longPollSlots.Exit();
            }
        }

        return await redshift.DescribeStatementAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task ContinueAsync(RunRecord run, bool afterError, CancellationToken cancellationToken)
    {
        var mart = catalog.Find(run.Mart);
        var initial = mart?.PollInitialInterval ?? TimeSpan.FromSeconds(2);
        var max = mart?.PollMaxInterval ?? TimeSpan.FromMinutes(1);
        var delay = PollIntervals.Next(initial, max, run.PollAttempt);
        if (afterError && delay < TimeSpan.FromSeconds(2))
        {
            delay = TimeSpan.FromSeconds(2);
        }

        var now = timeProvider.GetUtcNow();
        var limit = run.Status == RunStatus.Running ? run.DeadlineAt : GiveUpAt(run);
        delay = PollIntervals.Clamp(delay, now, limit);
        if (delay < MinDelay)
        {
            delay = MinDelay; // at the limit: the next poll cancels or gives up; never spin
        }

        var attempt = run.PollAttempt;
        if (await ledger.AdvancePollAsync(run.RunId, attempt, now + delay, countPoll: true, now, cancellationToken).ConfigureAwait(false))
        {
            jobs.Schedule<PollRunJob>(job => job.PollAsync(run.RunId, attempt + 1, CancellationToken.None), delay);
        }
    }

    /// <summary>Ends a Cancelling run whose cancel Redshift has not confirmed within the grace; true when it is over.</summary>
    private async Task<bool> GiveUpIfDueAsync(RunRecord run, string lastSeen, CancellationToken cancellationToken)
    {
        if (run.Status != RunStatus.Cancelling || timeProvider.GetUtcNow() < GiveUpAt(run))
        {
            return false;
        }

        var status = run.CancelReason == CancelReasons.Timeout ? RunStatus.TimedOut : RunStatus.Cancelled;
        await progress.CompleteAsync(run.RunId, new RunOutcome(status,
            $"CancelStatement was not confirmed within {options.Value.CancelGrace:c} ({lastSeen}); statement {run.StatementId} may still be running in Redshift."),
            pollsToAdd: 1, onlyIfNeverSubmitted: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>When a Cancelling run stops waiting for Redshift's ABORTED: the grace after the user's request or the deadline.</summary>
    private DateTimeOffset GiveUpAt(RunRecord run) =>
        (run.CancelReason == CancelReasons.User && run.CancelRequestedAt is { } asked ? asked : run.DeadlineAt) + options.Value.CancelGrace;

    [LoggerMessage(EventId = 1400, Level = LogLevel.Debug, Message = "Poll of run {RunId} attempt {Attempt}: nothing to do (run at attempt {Current}, status {Status})")]
    private static partial void LogStale(ILogger logger, Guid runId, int attempt, int? current, RunStatus? status);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Run {RunId} passed its timeout; cancelling statement {StatementId}")]
    private static partial void LogTimeout(ILogger logger, Guid runId, string statementId);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Poll of run {RunId} attempt {Attempt} failed; polling again later: {Error}")]
    private static partial void LogPollError(ILogger logger, Guid runId, int attempt, string error);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "Run {RunId}: statement {StatementId} has status '{Status}', which is not in the Data API's model; treating it as still running (bounded by the timeout)")]
    private static partial void LogUnknownStatus(ILogger logger, Guid runId, string statementId, string? status);
}
