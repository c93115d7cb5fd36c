using System.Globalization;
using Hangfire;
using Scheduler.Redshift.Model;
using Scheduler.Telemetry;

namespace Scheduler.Runs.Watching;

/// <summary>Records what the watcher saw through the runs' one idempotent completion entry point.</summary>
internal sealed class RunProgressOutcomeRecorder(RunLedger ledger, RunProgress progress, IBackgroundJobClient jobs, TimeProvider timeProvider, RunMetrics metrics)
    : IStatementOutcomeRecorder
{
    public async Task RecordTerminalAsync(ActiveStatement statement, DescribeStatementResponse response, CancellationToken cancellationToken)
    {
        var runId = Guid.Parse(statement.RunId, CultureInfo.InvariantCulture);
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal() || RunProgress.OutcomeOf(run, response) is not { } outcome)
        {
            return;
        }

        if (outcome.Status == RunStatus.Failed)
        {
            // A failed run must also show in Hangfire's Failed list with Redshift's error, which is the poll job's doing
            // (it records, then throws RunFailedException): hand the run to a poll job now rather than record it here.
            // Moving the attempt makes the pending delayed poll a no-op, as a cancel does.
            var attempt = run.PollAttempt;
            var now = timeProvider.GetUtcNow();
            if (await ledger.AdvancePollAsync(runId, attempt, now, countPoll: false, now, cancellationToken).ConfigureAwait(false))
            {
                jobs.Enqueue<PollRunJob>(job => job.PollAsync(runId, attempt + 1, CancellationToken.None));
            }

            return;
        }

        // The watcher's long poll that saw the end counts as one poll of the run (pollCount), as a poll job's would.
        // and in the polls metric, so dashboards see the same count whichever path saw the end.
        if (await progress.CompleteAsync(runId, outcome, pollsToAdd: 1, onlyIfNeverSubmitted: false, cancellationToken).ConfigureAwait(false))
        {
            metrics.Poll(run.Mart, "terminal");
        }
    }
}
