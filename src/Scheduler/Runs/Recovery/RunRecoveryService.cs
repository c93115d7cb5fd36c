using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Hosting;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Retries;
using Scheduler.Runs.Store;

namespace Scheduler.Runs.Recovery;

/// <summary>
/// The backstop that makes every run progress: each <see cref="RunsOptions.RecoveryInterval"/> (and at start-up),
/// active runs whose next step is overdue by <see cref="RunsOptions.RecoveryGrace"/> get
/// <see cref="RunEventKind.StepOverdue"/>, which schedules their step again (a poll at a new attempt, so a late
/// original becomes a no-op; a submit step only once no submit call can still be in flight). It covers what Hangfire
/// cannot see, such as a process dying between storing a change and scheduling its job; and it reserves the
/// retries that are due but missing (<see cref="RunRetrier"/>). Every instance runs it; the
/// compare-and-swap makes overlaps cost a read, never a second step.
/// </summary>
internal sealed partial class RunRecoveryService(
    RunSweepQueries ledger,
    RunLifecycle lifecycle,
    RunRetrier retrier,
    IOptions<RunsOptions> options,
    TimeProvider timeProvider,
    ILogger<RunRecoveryService> logger) : BackgroundService
{
    /// <summary>
    /// Delivers StepOverdue to the overdue runs once, and reserves the retries that are due but missing; returns how many
    /// runs were overdue or had a retry due.
    /// </summary>
    public async Task<int> RecoverOnceAsync(CancellationToken cancellationToken)
    {
        var dueBefore = timeProvider.GetUtcNow() - options.Value.RecoveryGrace;
        var overdue = await ledger.ListOverdueAsync(dueBefore, 500, cancellationToken).ConfigureAwait(false);
        foreach (var run in overdue)
        {
            var result = await lifecycle.ApplyAsync(run.RunId, new RunEvent.StepOverdue(dueBefore), cancellationToken).ConfigureAwait(false);
            if (result.Applied)
            {
                LogRecovered(logger, run.RunId, run.Status, run.StatementId is null ? "submit" : "poll");
            }
        }

        // Retries whose job was lost (a crash between ending the run and scheduling it), failed, or found the mart busy.
        var retries = await ledger.ListRetriesDueAsync(dueBefore, 100, cancellationToken).ConfigureAwait(false);
        foreach (var run in retries)
        {
            var outcome = await retrier.RetryAsync(run.RunId, cancellationToken).ConfigureAwait(false);
            if (outcome == RunRetryOutcome.Reserved)
            {
                LogRetryRecovered(logger, run.RunId, run.RetryAt);
            }
        }

        return overdue.Count + retries.Count;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundPass("Run recovery", options.Value.RecoveryInterval, timeProvider, logger)
            .RunAsync((_, cancellationToken) => RecoverOnceAsync(cancellationToken), stoppingToken);

    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Run {RunId} ({Status}) was overdue; scheduled its {Step} step again")]
    private static partial void LogRecovered(ILogger logger, Guid runId, RunStatus status, string step);

    [LoggerMessage(EventId = 1751, Level = LogLevel.Warning, Message = "Run {RunId}: its retry, due {RetryAt:O}, was reserved by recovery")]
    private static partial void LogRetryRecovered(ILogger logger, Guid runId, DateTimeOffset? retryAt);
}
