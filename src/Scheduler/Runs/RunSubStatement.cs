namespace Scheduler.Runs;

/// <summary>One statement of a run's batch, as Redshift last reported it.</summary>
/// <param name="Index">Position in the batch, from 1 (Redshift's <c>Id:N</c>).</param>
/// <param name="Sql">The statement's SQL.</param>
/// <param name="Status">Redshift's status string (<c>SUBMITTED</c> until the run ends, then e.g. <c>FINISHED</c>, <c>FAILED</c>, <c>ABORTED</c>).</param>
/// <param name="DurationMs">How long it ran, in milliseconds; null when unknown.</param>
/// <param name="ResultRows">Rows affected or returned; null when Redshift reports none (-1).</param>
/// <param name="Error">Redshift's error for this statement, if any.</param>
internal sealed record RunSubStatement(int Index, string Sql, string Status, long? DurationMs, long? ResultRows, string? Error);
