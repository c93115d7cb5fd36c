using System.Globalization;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Steps;

namespace Scheduler.Runs.Watching;

/// <summary>Delivers what the watcher saw to the run lifecycle, as a poll job would.</summary>
internal sealed class LifecycleOutcomeRecorder(RunLifecycle lifecycle, RunMetrics metrics) : IStatementOutcomeRecorder
{
    public async Task RecordTerminalAsync(ActiveStatement statement, DescribeStatementResponse response, CancellationToken cancellationToken)
    {
        var runId = Guid.Parse(statement.RunId, CultureInfo.InvariantCulture);
        if (response.Status == StatusString.Failed)
        {
            // A failed run must also show in Hangfire's Failed list with Redshift's error, which is the poll job's doing
            // (it records, then throws RunFailedException): hand the run to a poll job now rather than record it here.
            await lifecycle.ApplyAsync(runId, new RunEvent.PollRequested(), cancellationToken).ConfigureAwait(false);
            return;
        }

        // The long poll that saw the end counts as one poll of the run (pollCount) and in the polls metric, as a poll
        // job's would, so dashboards see the same count whichever path saw the end.
        var result = await lifecycle.ApplyAsync(runId, new RunEvent.Polled(response, PollAttempt: null), cancellationToken).ConfigureAwait(false);
        if (result.Applied && result.Run is { } run)
        {
            metrics.Poll(run.Mart, "terminal");
        }
    }
}
