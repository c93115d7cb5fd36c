namespace Scheduler.Runs;

/// <summary>A terminal status with what the ledger records about it.</summary>
/// <param name="Status">A terminal status.</param>
/// <param name="Error">Why it failed, was cancelled, timed out or was lost; null on success.</param>
/// <param name="FailedStatementIndex">The failing statement (from 1) of a failed batch.</param>
/// <param name="StatementFinishedAt">Redshift's <c>UpdatedAt</c> at the terminal status, when known.</param>
/// <param name="SubStatements">Redshift's figures per statement; null keeps the submitted ones.</param>
public sealed record RunOutcome(
    RunStatus Status,
    string? Error,
    int? FailedStatementIndex = null,
    DateTimeOffset? StatementFinishedAt = null,
    IReadOnlyList<RunSubStatement>? SubStatements = null)
{
    /// <summary>A failure that happened before or without Redshift (invalid SQL, request refused).</summary>
    public static RunOutcome Failed(string error) => new(RunStatus.Failed, error);
}
