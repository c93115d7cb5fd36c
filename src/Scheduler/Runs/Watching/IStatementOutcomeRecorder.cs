using Scheduler.Redshift.Model;

namespace Scheduler.Runs.Watching;

/// <summary>
/// Records a statement's terminal status on its run. Must be idempotent: the watcher and the backstop poll jobs may both
/// see the same finish, and the watcher may report it again after a restart.
/// </summary>
internal interface IStatementOutcomeRecorder
{
    /// <summary>Records <paramref name="response"/> (a terminal DescribeStatement answer) on the statement's run.</summary>
    Task RecordTerminalAsync(ActiveStatement statement, DescribeStatementResponse response, CancellationToken cancellationToken);
}
