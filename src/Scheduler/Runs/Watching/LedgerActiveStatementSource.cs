using Scheduler.Runs.Store;

namespace Scheduler.Runs.Watching;

/// <summary>
/// The watcher's view of the run ledger: every active run with a checkpointed statement id, and how long the mart's
/// recent successful runs took (the median of the last five), which ranks statements when the budget is short.
/// </summary>
internal sealed class LedgerActiveStatementSource(RunSweepQueries ledger) : IActiveStatementSource
{
    public async Task<IReadOnlyCollection<ActiveStatement>> GetActiveStatementsAsync(CancellationToken cancellationToken)
    {
        var rows = await ledger.ListWatchableAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(row => new ActiveStatement(row.RunId.ToString("D"), row.StatementId, row.SubmittedAt, row.Expected))];
    }
}
