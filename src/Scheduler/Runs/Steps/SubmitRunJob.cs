using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Marts;
using Scheduler.Marts.Parameters;
using Scheduler.Redshift;
using Scheduler.Redshift.Limits;
using Scheduler.Redshift.Model;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Queue;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Runs.Steps;

/// <summary>
/// The submit step of a run (a Hangfire job carrying only the run id): it sends the batch once, or finds out what
/// happened to a batch that may have been sent. Every outcome goes to <see cref="RunLifecycle"/> as an event.
/// </summary>
/// <remarks>
/// <para>Never a second execution: a resend carries the same ClientToken (AWS keeps it 8 h; past
/// <c>Runs:ClientTokenWindow</c> the statement is looked up by StatementName first). While a submit call may be in flight
/// (its lease), no other copy sends or trusts a lookup.</para>
/// <para>Never an outcome without Redshift's word once something may have been sent: a cancel or a deadline during the
/// submit step, or a refusal of a resend, is settled by a lookup by StatementName after the lease: the statement found
/// is followed (and cancelled), none found means nothing ran. A lookup that fails is retried with backoff.</para>
/// <para>Before the first send the run takes a slot of its target (<c>Redshift:MaxActiveStatements</c>, shared by all
/// instances); without one it waits as Queued and <see cref="RunQueueDispatcher"/> starts it when one frees. Redshift answering
/// ActiveStatementsExceededException anyway (other clients on the target) queues it again, after a backoff.</para>
/// <para>A Failed run ends the job with <see cref="RunFailedException"/> so it shows in Hangfire's Failed list.</para>
/// </remarks>
[AutomaticRetry(Attempts = 50, DelaysInSeconds = [1, 2, 5, 10, 20, 30, 60], ExceptOn = [typeof(RunFailedException)], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed partial class SubmitRunJob(
    IRunQueries ledger,
    RunLifecycle lifecycle,
    RunPolicy policy,
    ITriggerGate gate,
    IMartCatalog catalog,
    MartSqlLoader sqlLoader,
    IRedshiftDataClient redshift,
    IOptions<RunsOptions> options,
    IOptions<RedshiftLimitsOptions> limits,
    RunQueueSignal queueSignal,
    TimeProvider timeProvider,
    ILogger<SubmitRunJob> logger)
{
    private const string ActiveStatementsExceeded = "ActiveStatementsExceededException";
    private static readonly TimeSpan PauseRecheck = TimeSpan.FromSeconds(5);
    private readonly RunFaultPoints _faults = new(options);

    /// <summary>Submits the run's batch (once), or settles what happened to it.</summary>
    [DisplayName("Submit run {0}")]
    public async Task SubmitAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        var action = RunStateMachine.NextSubmitAction(run, timeProvider.GetUtcNow(), policy.ClientTokenWindow);
        if (run is null || action == RunJobAction.Nothing)
        {
            LogNothingToDo(logger, runId, run?.Status);
            return;
        }

        if (action == RunJobAction.DeliverDeadline)
        {
            await EndOrThrowAsync(run, new RunEvent.DeadlinePassed(), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (action == RunJobAction.LookUp && await SettleByLookupAsync(run, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (run.SubmitAttemptedAt is null && await gate.CheckFirstSubmitAsync(cancellationToken).ConfigureAwait(false) is { } paused)
        {
            // A global pause began after this run was reserved: nothing new reaches Redshift until it is resumed.
            await DeferAsync(run, paused, cancellationToken, PauseRecheck).ConfigureAwait(false);
            return;
        }

        var statements = run.SqlStatements;
        if (statements is null)
        {
            if (catalog.Find(run.Mart) is not { } mart)
            {
                await EndOrThrowAsync(run, new RunEvent.NotSubmittable($"Mart '{run.Mart}' is no longer configured; nothing was submitted."), cancellationToken)
                    .ConfigureAwait(false);
                return;
            }

            try
            {
                statements = await sqlLoader.LoadAsync(mart, cancellationToken).ConfigureAwait(false);
            }
            catch (MartSqlException ex)
            {
                // Invalid SQL is a user's error: fail at once, before anything reaches AWS.
                await EndOrThrowAsync(run, new RunEvent.NotSubmittable(ex.Message), cancellationToken).ConfigureAwait(false);
                return;
            }

            try
            {
                // The file may have changed since the run was reserved: a parameter it now uses must have a value.
                MartParameters.ForStatements(statements, run.Parameters);
            }
            catch (KeyNotFoundException ex)
            {
                await EndOrThrowAsync(run, new RunEvent.NotSubmittable($"Mart '{run.Mart}': {ex.Message} Nothing was submitted."), cancellationToken)
                    .ConfigureAwait(false);
                return;
            }
        }

        if (RunStateMachine.TakesSlotBeforeSending(run)
            && RunSlots.KeyOf(TargetOf(run)) is { } slotKey && RunSlots.CapOf(limits.Value, slotKey) is > 0 and var cap)
        {
            var slot = await lifecycle.TakeSlotAsync(runId, slotKey, cap, cancellationToken).ConfigureAwait(false);
            if (slot.Run is not { Status: RunStatus.Submitting })
            {
                if (slot.Run is { Status: RunStatus.Queued })
                {
                    LogQueued(logger, runId, slotKey, slot.Run.StatusReason);
                    // Slots may be free with older runs queued ahead of this one: the queue hands them out in order.
                    queueSignal.Wake(slotKey);
                }

                return;
            }
        }

        var attempted = await lifecycle.ApplyAsync(runId, new RunEvent.SubmitAttempted(statements), cancellationToken).ConfigureAwait(false);
        if (!attempted.Applied || attempted.Run is not { } attempt)
        {
            return; // changed under us (another copy attempts, a cancel came first); the step it scheduled takes over
        }

        await SendAsync(attempt, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(RunRecord attempt, CancellationToken cancellationToken)
    {
        var runId = attempt.RunId;
        string statementId;
        // The call must end within its lease: past it, another copy may look the statement up and trust the answer.
        using var lease = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lease.CancelAfter(attempt.SubmitLeaseUntil!.Value - timeProvider.GetUtcNow() - TimeSpan.FromSeconds(1));
        try
        {
            statementId = await BatchExecuteAsync(attempt, lease.Token).ConfigureAwait(false);
        }
        catch (RedshiftDataException ex) when (ex.ErrorCode == ActiveStatementsExceeded && attempt.SlotKey is { } slotKey)
        {
            // Other clients fill the target: nothing was created, so the run waits as Queued (its slot given back) and may
            // have one again after the backoff.
            var retryAt = timeProvider.GetUtcNow() + policy.SubmitRetry(attempt.SubmitAttempts);
            LogTargetBusy(logger, runId, slotKey, retryAt);
            await lifecycle.ApplyAsync(runId, new RunEvent.SlotUnavailable(slotKey, retryAt,
                $"Redshift answered ActiveStatementsExceededException; queued again for a slot on {slotKey} (not before {retryAt:O})"), cancellationToken)
                .ConfigureAwait(false);
            queueSignal.Wake(slotKey);
            return;
        }
        catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken))
        {
            await DeferAsync(attempt, RunErrors.Describe(ex), cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (RedshiftDataException ex)
        {
            // AWS refused: the run ends only if nothing can exist; otherwise only a lookup by name can say whether it ran.
            if (RunStateMachine.RefusalProvesNothingRan(attempt, ex.Attempt))
            {
                await EndOrThrowAsync(attempt, new RunEvent.SubmitRefused(ex.Message), cancellationToken).ConfigureAwait(false);
                return;
            }

            var deferred = await DeferAsync(attempt, $"BatchExecuteStatement was refused ({ex.Message}); looking the statement up by name", cancellationToken)
                .ConfigureAwait(false);
            if (deferred is not null)
            {
                await SettleByLookupAsync(deferred, cancellationToken, refusal: ex.Message).ConfigureAwait(false);
            }

            return;
        }

        await _faults.ReachedAsync(RunFaultPoints.AfterSubmit, runId, cancellationToken).ConfigureAwait(false);
        var submitted = await lifecycle.ApplyAsync(runId, new RunEvent.Submitted(statementId), cancellationToken).ConfigureAwait(false);
        if (submitted.Applied)
        {
            LogSubmitted(logger, runId, attempt.Mart, statementId, attempt.SqlStatements!.Count, attempt.SubmitAttempts);
        }
    }

    /// <summary>
    /// Looks the run's statement up by StatementName (no submit call is in flight): found → followed; not found → the
    /// run ends without Redshift having run anything, unless it is still Submitting without a refusal (then it is sent).
    /// </summary>
    /// <returns>True when the run was settled (or the lookup failed and was deferred); false when it should be sent.</returns>
    private async Task<bool> SettleByLookupAsync(RunRecord run, CancellationToken cancellationToken, string? refusal = null)
    {
        string? found;
        try
        {
            found = await FindByNameAsync(run, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (RunErrors.IsTransient(ex, cancellationToken) || ex is RedshiftDataException)
        {
            LogLookupFailed(logger, run.RunId, RunErrors.Describe(ex));
            if (refusal is null)
            {
                await DeferAsync(run, $"looking the statement up by name failed: {RunErrors.Describe(ex)}", cancellationToken).ConfigureAwait(false);
            }

            return true;
        }

        if (found is not null)
        {
            await lifecycle.ApplyAsync(run.RunId, new RunEvent.Submitted(found), cancellationToken).ConfigureAwait(false);
            return true;
        }

        if (RunStateMachine.SendsAfterEmptyLookup(run, followsRefusal: refusal is not null))
        {
            return false; // past the token window and nothing exists: sending again cannot run it twice
        }

        await EndOrThrowAsync(run, new RunEvent.StatementNotFound(refusal), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<string> BatchExecuteAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var target = TargetOf(run);
        // Bound by the service, never spliced into the SQL; only those the statements use (the API refuses others).
        var parameters = MartParameters.ForStatements(run.SqlStatements!, run.Parameters);
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
                Parameters = parameters.Count == 0 ? null : [.. parameters.Select(p => new SqlParameter { Name = p.Key, Value = p.Value })],
            },
            cancellationToken).ConfigureAwait(false);
        return response.Id;
    }

    private async Task<string?> FindByNameAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var target = TargetOf(run);
        var request = new ListStatementsRequest
        {
            StatementName = run.StatementName,
            Status = StatusString.All,
            MaxResults = 100,
            WorkgroupName = target.WorkgroupName,
            ClusterIdentifier = target.WorkgroupName is null ? target.ClusterIdentifier : null,
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

    /// <summary>The target the run was reserved for; runs reserved before targets were stored use today's configuration.</summary>
    private RedshiftTarget TargetOf(RunRecord run) =>
        run.Target ?? catalog.Find(run.Mart)?.Target
        ?? throw new InvalidOperationException($"Run {run.RunId}: its mart '{run.Mart}' is no longer configured and the run has no stored target.");

    private async Task<RunRecord?> DeferAsync(RunRecord run, string reason, CancellationToken cancellationToken, TimeSpan? after = null)
    {
        var now = timeProvider.GetUtcNow();
        var retryAt = RunStateMachine.SubmitRetryAt(run, now, after ?? policy.SubmitRetry(run.SubmitAttempts));
        LogSubmitRetry(logger, run.RunId, run.SubmitAttempts, (retryAt - now).TotalSeconds, reason);
        var result = await lifecycle.ApplyAsync(run.RunId, new RunEvent.SubmitDeferred(retryAt, reason), cancellationToken).ConfigureAwait(false);
        return result.Applied ? result.Run : null;
    }

    private async Task EndOrThrowAsync(RunRecord run, RunEvent evt, CancellationToken cancellationToken)
    {
        var result = await lifecycle.ApplyAsync(run.RunId, evt, cancellationToken).ConfigureAwait(false);
        if (result is { Applied: true, Run: { Status: RunStatus.Failed } failed })
        {
            throw new RunFailedException(failed.RunId, failed.Mart, failed.Error ?? "failed");
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "Submit of run {RunId}: nothing to do (status {Status})")]
    private static partial void LogNothingToDo(ILogger logger, Guid runId, RunStatus? status);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Run {RunId} of mart {Mart} submitted as statement {StatementId} ({Count} statements, attempt {Attempt})")]
    private static partial void LogSubmitted(ILogger logger, Guid runId, string mart, string statementId, int count, int attempt);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Submit step of run {RunId} did not finish (attempt {Attempt}); again in {DelaySeconds:F1} s: {Error}")]
    private static partial void LogSubmitRetry(ILogger logger, Guid runId, int attempt, double delaySeconds, string error);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Run {RunId} queued for a slot of {SlotKey}: {Reason}")]
    private static partial void LogQueued(ILogger logger, Guid runId, string slotKey, string? reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Run {RunId}: Redshift answered ActiveStatementsExceededException on {SlotKey}; queued again, not before {RetryAt}")]
    private static partial void LogTargetBusy(ILogger logger, Guid runId, string slotKey, DateTimeOffset retryAt);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Run {RunId}: could not look its statement up by name: {Error}")]
    private static partial void LogLookupFailed(ILogger logger, Guid runId, string error);
}
