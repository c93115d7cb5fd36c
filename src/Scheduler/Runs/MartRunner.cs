using Hangfire;
using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Redshift;

namespace Scheduler.Runs;

/// <summary>The <see cref="IRunTrigger"/>: reserve in the ledger, then hand over to Hangfire jobs.</summary>
public sealed partial class MartRunner(
    IMartCatalog catalog,
    Scheduler.Marts.Pausing.ITriggerGate gate,
    RunLedger ledger,
    RunProgress progress,
    IRedshiftDataClient redshift,
    IBackgroundJobClient jobs,
    TimeProvider timeProvider,
    Scheduler.Telemetry.RunMetrics metrics,
    ILogger<MartRunner> logger) : IRunTrigger
{
    /// <inheritdoc />
    public Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, CancellationToken cancellationToken) =>
        TriggerAsync(martName, trigger, triggerKey: null, cancellationToken);

    /// <summary>
    /// As <see cref="TriggerAsync(string, RunTrigger, CancellationToken)"/>; a <paramref name="triggerKey"/> used before
    /// returns that trigger's run instead of reserving another (a Hangfire trigger job that runs twice starts one run).
    /// </summary>
    internal async Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, string? triggerKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(martName);
        var mart = catalog.Find(martName);
        if (mart is null)
        {
            return TriggerResult.UnknownMart();
        }

        if (await gate.CheckAsync(mart, trigger, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return TriggerResult.Refused(refusal);
        }

        var reserved = await ledger.ReserveAsync(mart.Name, trigger, triggerKey, mart.Timeout, timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var run = reserved.Run;
        if (run.Status == RunStatus.Skipped)
        {
            if (reserved.IsNew)
            {
                LogSkipped(logger, mart.Name, trigger, run.ActiveRunId);
                metrics.RunCompleted(run);
            }

            return TriggerResult.Skipped(run);
        }

        // A crash between the reservation and this enqueue leaves a Submitting run without a job: recovery re-enqueues it.
        if (reserved.IsNew || (run.Status == RunStatus.Submitting && run.StatementId is null))
        {
            jobs.Enqueue<SubmitRunJob>(job => job.SubmitAsync(run.RunId, CancellationToken.None));
        }

        if (reserved.IsNew)
        {
            LogStarted(logger, run.RunId, mart.Name, trigger);
            metrics.RunStarted(mart.Name, Scheduler.Telemetry.RunMetrics.TriggerName(trigger));
        }

        return TriggerResult.Started(run);
    }

    /// <inheritdoc />
    public async Task<CancelResult> CancelAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null)
        {
            return new CancelResult(CancelOutcome.NotFound, null);
        }

        if (run.Status.IsTerminal())
        {
            return new CancelResult(CancelOutcome.NotActive, run);
        }

        var now = timeProvider.GetUtcNow();
        run = await ledger.RequestCancelAsync(runId, CancelReasons.User, now, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal())
        {
            return new CancelResult(CancelOutcome.NotActive, run);
        }

        LogCancelRequested(logger, runId, run.StatementId);
        if (run.StatementId is null)
        {
            // Never sent: nothing can be running, so end it now. If a submit attempt began meanwhile, the submit job
            // sends (same token), sees Cancelling, and cancels the statement it gets.
            await progress.CompleteAsync(runId,
                new RunOutcome(RunStatus.Cancelled, "Cancelled before it was submitted; nothing ran in Redshift."),
                pollsToAdd: 0, onlyIfNeverSubmitted: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await RunCancellation.TryCancelStatementAsync(redshift, logger, run, cancellationToken).ConfigureAwait(false);

            // Poll now rather than at the pending poll's time; moving the attempt makes that pending poll a no-op.
            var attempt = run.PollAttempt;
            if (await ledger.AdvancePollAsync(runId, attempt, now, countPoll: false, now, cancellationToken).ConfigureAwait(false))
            {
                jobs.Enqueue<PollRunJob>(job => job.PollAsync(runId, attempt + 1, CancellationToken.None));
            }
        }

        return new CancelResult(CancelOutcome.Requested, await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Run {RunId} of mart {Mart} started ({Trigger})")]
    private static partial void LogStarted(ILogger logger, Guid runId, string mart, RunTrigger trigger);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Mart {Mart}: {Trigger} trigger skipped, run {ActiveRunId} is still active")]
    private static partial void LogSkipped(ILogger logger, string mart, RunTrigger trigger, Guid? activeRunId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Run {RunId}: cancel requested (statement {StatementId})")]
    private static partial void LogCancelRequested(ILogger logger, Guid runId, string? statementId);
}
