using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scheduler.Runs;

/// <summary>
/// The backstop that makes every run end: each <see cref="RunsOptions.RecoveryInterval"/> (and at start-up), active
/// runs whose next step is overdue by <see cref="RunsOptions.RecoveryGrace"/> get their job again: a submit for a run
/// without a statement id, a poll (at the next attempt, so a late original becomes a no-op) for the others. It covers
/// the gaps Hangfire cannot see, such as a process dying between reserving a run and enqueuing its submit. Every
/// instance runs it; the steps are idempotent, so overlaps cost a call, never a second execution.
/// </summary>
public sealed partial class RunRecoveryService(
    RunLedger ledger,
    IBackgroundJobClient jobs,
    IOptions<RunsOptions> options,
    TimeProvider timeProvider,
    ILogger<RunRecoveryService> logger) : BackgroundService
{
    /// <summary>Re-enqueues the overdue runs' next step once; returns how many.</summary>
    public async Task<int> RecoverOnceAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var overdue = await ledger.ListOverdueAsync(now - options.Value.RecoveryGrace, 500, cancellationToken).ConfigureAwait(false);
        foreach (var run in overdue)
        {
            var runId = run.RunId;
            if (run.StatementId is null)
            {
                await ledger.SetNextStepAsync(runId, now, now, cancellationToken).ConfigureAwait(false);
                jobs.Enqueue<SubmitRunJob>(job => job.SubmitAsync(runId, CancellationToken.None));
                LogRecovered(logger, runId, run.Status, "submit");
            }
            else
            {
                var attempt = run.PollAttempt;
                if (await ledger.AdvancePollAsync(runId, attempt, now, countPoll: false, now, cancellationToken).ConfigureAwait(false))
                {
                    jobs.Enqueue<PollRunJob>(job => job.PollAsync(runId, attempt + 1, CancellationToken.None));
                    LogRecovered(logger, runId, run.Status, "poll");
                }
            }
        }

        return overdue.Count;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RecoveryInterval, timeProvider);
        do
        {
            try
            {
                await RecoverOnceAsync(stoppingToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // PostgreSQL may be restarting: log and try again next tick
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                LogRecoveryFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Run {RunId} ({Status}) was overdue; re-enqueued its {Step} job")]
    private static partial void LogRecovered(ILogger logger, Guid runId, RunStatus status, string step);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Run recovery failed; trying again at the next interval")]
    private static partial void LogRecoveryFailed(ILogger logger, Exception exception);
}
