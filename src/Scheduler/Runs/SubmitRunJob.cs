using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Marts;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Runs;

/// <summary>
/// The submit step of a run (a Hangfire job carrying only the run id). Idempotent against the ledger: a run already
/// ended does nothing; a run with a checkpointed statement id only makes sure its poll is scheduled; a run whose
/// previous submit may have reached AWS re-sends the same ClientToken (or, past the token's window, finds its
/// statement by StatementName), so no retry or second copy of this job can start a second execution.
/// </summary>
/// <remarks>
/// Hangfire retries (PostgreSQL unavailable) are safe for the same reasons; AWS's transient errors are retried by the
/// job itself, rescheduling with backoff until the run's deadline. A Failed run ends the job with
/// <see cref="RunFailedException"/> so it shows in Hangfire's Failed list.
/// </remarks>
[AutomaticRetry(Attempts = 50, DelaysInSeconds = [1, 2, 5, 10, 20, 30, 60], ExceptOn = [typeof(RunFailedException)], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
public sealed partial class SubmitRunJob(
    RunLedger ledger,
    RunProgress progress,
    IMartCatalog catalog,
    MartSqlLoader sqlLoader,
    IRedshiftDataClient redshift,
    IBackgroundJobClient jobs,
    IOptions<RunsOptions> options,
    TimeProvider timeProvider,
    ILogger<SubmitRunJob> logger)
{
    private readonly RunFaultPoints _faults = new(options);

    /// <summary>Submits the run's batch (once), checkpoints the statement id and schedules the first poll.</summary>
    [DisplayName("Submit run {0}")]
    public async Task SubmitAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal())
        {
            LogNothingToDo(logger, runId, run?.Status);
            return;
        }

        if (run.StatementId is not null)
        {
            SchedulePoll(run);
            return;
        }

        var mart = catalog.Find(run.Mart);
        if (mart is null)
        {
            await FailAsync(run, $"Mart '{run.Mart}' is no longer configured; nothing was submitted.", cancellationToken).ConfigureAwait(false);
            return;
        }

        var now = timeProvider.GetUtcNow();
        if (run.Status == RunStatus.Cancelling && run.SubmitAttemptedAt is null)
        {
            await CancelUnsubmittedAsync(run, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (now >= run.DeadlineAt)
        {
            await TimeOutUnsubmittedAsync(run, mart, null, cancellationToken).ConfigureAwait(false);
            return;
        }

        var statements = run.SqlStatements;
        if (statements is null)
        {
            try
            {
                statements = await sqlLoader.LoadAsync(mart, cancellationToken).ConfigureAwait(false);
            }
            catch (MartSqlException ex)
            {
                // Invalid SQL is a user's error: fail at once, before anything reaches AWS.
                await FailAsync(run, ex.Message, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var attempt = await ledger.RecordSubmitAttemptAsync(runId, statements, now, cancellationToken).ConfigureAwait(false);
        if (attempt is null)
        {
            await ResumeAfterRaceAsync(runId, cancellationToken).ConfigureAwait(false);
            return;
        }

        string statementId;
        try
        {
            statementId = await SendAsync(attempt, mart, now, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken))
        {
            await RetryLaterAsync(attempt, mart, ex, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RedshiftDataException ex)
        {
            // AWS refused the request (validation, access): no statement exists, so the run fails without retrying.
            await FailAsync(attempt, $"BatchExecuteStatement was refused: {ex.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        await _faults.ReachedAsync(RunFaultPoints.AfterSubmit, runId, cancellationToken).ConfigureAwait(false);

        var submittedAt = timeProvider.GetUtcNow();
        var firstPoll = PollIntervals.Clamp(PollIntervals.Next(mart.PollInitialInterval, mart.PollMaxInterval, 0), submittedAt, attempt.DeadlineAt);
        var checkpointed = await ledger.CheckpointStatementAsync(runId, statementId, submittedAt, submittedAt + firstPoll, cancellationToken).ConfigureAwait(false);
        if (checkpointed is null)
        {
            await ResumeAfterRaceAsync(runId, cancellationToken).ConfigureAwait(false);
            return;
        }

        LogSubmitted(logger, runId, run.Mart, statementId, statements.Count, attempt.SubmitAttempts);
        if (checkpointed.Status == RunStatus.Cancelling)
        {
            await RunCancellation.TryCancelStatementAsync(redshift, logger, checkpointed, cancellationToken).ConfigureAwait(false);
        }

        jobs.Schedule<PollRunJob>(job => job.PollAsync(runId, 1, CancellationToken.None), firstPoll);
    }

    private async Task<string> SendAsync(RunRecord run, MartDefinition mart, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Past the ClientToken's window a resend could start a second execution: look the statement up instead.
        if (run.SubmitAttempts > 1 && run.SubmitAttemptedAt is { } first && now - first > options.Value.ClientTokenWindow)
        {
            var found = await FindByNameAsync(run, mart, cancellationToken).ConfigureAwait(false);
            if (found is not null)
            {
                return found;
            }
        }

        var target = mart.Target;
        var response = await redshift.BatchExecuteStatementAsync(
            new BatchExecuteStatementRequest
            {
                Sqls = [.. run.SqlStatements!],
                ClientToken = run.ClientToken,
                StatementName = run.StatementName,
                WorkgroupName = target.WorkgroupName,
                ClusterIdentifier = target.ClusterIdentifier,
                Database = target.Database,
                DbUser = target.DbUser,
                SecretArn = target.SecretArn,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Id;
    }

    private async Task<string?> FindByNameAsync(RunRecord run, MartDefinition mart, CancellationToken cancellationToken)
    {
        var request = new ListStatementsRequest
        {
            StatementName = run.StatementName,
            Status = StatusString.All,
            MaxResults = 100,
            WorkgroupName = mart.Target.WorkgroupName,
            ClusterIdentifier = mart.Target.WorkgroupName is null ? mart.Target.ClusterIdentifier : null,
        };

        // StatementName is a prefix filter: only an exact name is this run's statement.
        await foreach (var page in redshift.ListStatementsPagesAsync(request, cancellationToken).ConfigureAwait(false))
        {
            var match = page.Statements.FirstOrDefault(s => s.StatementName == run.StatementName);
            if (match is not null)
            {
                return match.Id;
            }
        }

        return null;
    }

    private async Task RetryLaterAsync(RunRecord run, MartDefinition mart, Exception error, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now >= run.DeadlineAt)
        {
            await TimeOutUnsubmittedAsync(run, mart, error, cancellationToken).ConfigureAwait(false);
            return;
        }

        var delay = PollIntervals.Clamp(PollIntervals.Backoff(run.SubmitAttempts, options.Value.MaxRetryDelay), now, run.DeadlineAt);
        LogSubmitRetry(logger, run.RunId, run.SubmitAttempts, delay.TotalSeconds, RunErrors.Describe(error));
        await ledger.SetNextStepAsync(run.RunId, now + delay, now, cancellationToken).ConfigureAwait(false);
        jobs.Schedule<SubmitRunJob>(job => job.SubmitAsync(run.RunId, CancellationToken.None), delay);
    }

    private async Task TimeOutUnsubmittedAsync(RunRecord run, MartDefinition mart, Exception? lastError, CancellationToken cancellationToken)
    {
        if (run.SubmitAttemptedAt is not null)
        {
            // An earlier attempt may have reached AWS: if the statement exists, adopt it; the poll cancels it (timeout).
            string? found = null;
            try
            {
                found = await FindByNameAsync(run, mart, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken) || ex is RedshiftDataException)
            {
                LogLookupFailed(logger, run.RunId, RunErrors.Describe(ex));
            }

            if (found is not null)
            {
                var now = timeProvider.GetUtcNow();
                var adopted = await ledger.CheckpointStatementAsync(run.RunId, found, now, now, cancellationToken).ConfigureAwait(false);
                if (adopted is not null)
                {
                    jobs.Enqueue<PollRunJob>(job => job.PollAsync(run.RunId, 1, CancellationToken.None));
                }

                return;
            }
        }

        var why = lastError is null ? "" : $" Last error: {RunErrors.Describe(lastError)}";
        await progress.CompleteAsync(run.RunId,
            new RunOutcome(RunStatus.TimedOut, $"Not submitted within the mart's timeout ({run.DeadlineAt - run.CreatedAt:c}).{why}"),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task CancelUnsubmittedAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var recorded = await progress.CompleteAsync(run.RunId,
            new RunOutcome(RunStatus.Cancelled, "Cancelled before it was submitted; nothing ran in Redshift."),
            pollsToAdd: 0, onlyIfNeverSubmitted: true, cancellationToken).ConfigureAwait(false);
        if (!recorded)
        {
            await ResumeAfterRaceAsync(run.RunId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Another copy of this job, or a cancel, changed the run under us: act on what it is now.</summary>
    private async Task ResumeAfterRaceAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal())
        {
            return;
        }

        if (run.StatementId is not null)
        {
            SchedulePoll(run);
        }
        else if (run.Status == RunStatus.Cancelling && run.SubmitAttemptedAt is null)
        {
            await CancelUnsubmittedAsync(run, cancellationToken).ConfigureAwait(false);
        }
    }

    private void SchedulePoll(RunRecord run)
    {
        // A duplicate of a pending poll is harmless: only one of them can advance the attempt.
        var wait = run.NextPollAt is { } next ? next - timeProvider.GetUtcNow() : TimeSpan.Zero;
        var delay = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        var attempt = Math.Max(1, run.PollAttempt);
        jobs.Schedule<PollRunJob>(job => job.PollAsync(run.RunId, attempt, CancellationToken.None), delay);
    }

    private async Task FailAsync(RunRecord run, string error, CancellationToken cancellationToken)
    {
        if (await progress.CompleteAsync(run.RunId, RunOutcome.Failed(error), cancellationToken).ConfigureAwait(false))
        {
            throw new RunFailedException(run.RunId, run.Mart, error);
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "Submit of run {RunId}: nothing to do (status {Status})")]
    private static partial void LogNothingToDo(ILogger logger, Guid runId, RunStatus? status);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Run {RunId} of mart {Mart} submitted as statement {StatementId} ({Count} statements, attempt {Attempt})")]
    private static partial void LogSubmitted(ILogger logger, Guid runId, string mart, string statementId, int count, int attempt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Submit of run {RunId} failed transiently (attempt {Attempt}); retrying in {DelaySeconds:F1} s: {Error}")]
    private static partial void LogSubmitRetry(ILogger logger, Guid runId, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Run {RunId}: could not look its statement up by name: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, Guid runId, string error);
}
