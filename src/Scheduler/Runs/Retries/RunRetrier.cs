using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Runs.Retries;

/// <summary>
/// Reserves the retry that an ended run's <see cref="RunSummary.RetryAt"/> promises: a new run (new statement, new
/// ClientToken) with trigger <c>retry</c>, the same logical date, parameters, backfill and downstream flag, the next
/// attempt number and <c>retryOf</c> naming the run. Its trigger key <c>retry:&lt;run id&gt;</c> makes it once however
/// often it is asked (the scheduled <see cref="RetryRunJob"/>, recovery's sweep, several instances).
/// </summary>
/// <remarks>
/// A busy mart (no free run slot under <c>MaxActiveRuns</c>, or an active run for the same logical date) reserves
/// nothing: the retry waits and recovery asks again. A mart that is gone, disabled or paused, or a global pause, is
/// asked through the same <see cref="ITriggerGate"/> as a cron trigger; a refusal abandons the retry: the run keeps its
/// outcome, says why in its status reason, and the failure alert goes out then.
/// </remarks>
internal sealed partial class RunRetrier(
    IRunQueries ledger,
    RunLifecycle lifecycle,
    IMartCatalog catalog,
    ITriggerGate gate,
    ILogger<RunRetrier> logger)
{
    /// <summary>Reserves the retry of run <paramref name="runId"/> if one is pending.</summary>
    public async Task<RunRetryOutcome> RetryAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is not { RetryAt: not null } || !run.Status.IsTerminal())
        {
            return RunRetryOutcome.NoneDue;
        }

        var key = TriggerKeys.RetryOf(run.RunId);
        if (await ledger.GetByTriggerKeyAsync(key, cancellationToken).ConfigureAwait(false) is not null)
        {
            return RunRetryOutcome.AlreadyReserved;
        }

        var mart = catalog.Find(run.Mart);
        var refusal = mart is null
            ? $"Mart '{run.Mart}' is no longer configured."
            : await gate.CheckAsync(mart, RunTrigger.Retry, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            var reason = $"Not retried (attempt {run.Attempt + 1} was due {run.RetryAt:yyyy-MM-dd HH:mm:ss} UTC): {refusal}";
            var result = await lifecycle.ApplyAsync(run.RunId, new RunEvent.RetryAbandoned(reason), cancellationToken).ConfigureAwait(false);
            return result.Applied ? RunRetryOutcome.Abandoned : RunRetryOutcome.NoneDue;
        }

        var request = new RunRequest(RunTrigger.Retry)
        {
            TriggerKey = key,
            LogicalDate = run.LogicalDate,
            // Every value the run had, built-in ones included: the retry binds exactly what the failed attempt bound.
            Parameters = run.Parameters,
            RetryOf = run.RunId,
            Attempt = run.Attempt + 1,
            BackfillId = run.BackfillId,
            Downstream = run.Downstream,
            UpstreamRunIds = run.UpstreamRunIds,
            WaitWhenBusy = true,
        };
        var (retry, isNew, blocking) = await lifecycle.ReserveAsync(mart!, request, cancellationToken).ConfigureAwait(false);
        if (retry is null)
        {
            LogWaiting(logger, run.RunId, run.Mart, blocking?.RunId);
            return RunRetryOutcome.Waiting;
        }

        return isNew ? RunRetryOutcome.Reserved : RunRetryOutcome.AlreadyReserved;
    }

    [LoggerMessage(EventId = 1750, Level = LogLevel.Information,
        Message = "Retry of run {RunId} waits: mart {Mart} is busy (run {BlockingRunId} is active); recovery tries again")]
    private static partial void LogWaiting(ILogger logger, Guid runId, string mart, Guid? blockingRunId);
}
