using System.Globalization;
using Scheduler.Redshift.Model;

namespace Scheduler.Runs.Watching;

/// <summary>Records what the watcher saw through the runs' one idempotent completion entry point.</summary>
internal sealed class RunProgressOutcomeRecorder(RunLedger ledger, RunProgress progress) : IStatementOutcomeRecorder
{
    public async Task RecordTerminalAsync(ActiveStatement statement, DescribeStatementResponse response, CancellationToken cancellationToken)
    {
        var runId = Guid.Parse(statement.RunId, CultureInfo.InvariantCulture);
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || run.Status.IsTerminal() || RunProgress.OutcomeOf(run, response) is not { } outcome)
        {
            return;
        }

        // The watcher's long poll that saw the end counts as one poll of the run (pollCount), as a poll job's would.
        await progress.CompleteAsync(runId, outcome, pollsToAdd: 1, onlyIfNeverSubmitted: false, cancellationToken).ConfigureAwait(false);
    }
}
