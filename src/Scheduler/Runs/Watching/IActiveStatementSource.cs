namespace Scheduler.Runs.Watching;

/// <summary>Where the watcher learns which statements to follow: the run ledger's active runs with a statement id.</summary>
internal interface IActiveStatementSource
{
    /// <summary>Every run that is still active and has a checkpointed statement id.</summary>
    Task<IReadOnlyCollection<ActiveStatement>> GetActiveStatementsAsync(CancellationToken cancellationToken);
}
