using Scheduler.Runs;

namespace Scheduler.Backfills;

/// <summary>One planned date of a backfill, with its run (the latest of its retries) once it has one.</summary>
/// <param name="LogicalDate">The date (UTC).</param>
/// <param name="State">Where it is.</param>
/// <param name="RunId">Its run: the latest attempt when the first failed and was retried.</param>
/// <param name="RunStatus">That run's status, when it has one.</param>
/// <param name="Note">Why it was excluded, or what its run did.</param>
internal sealed record BackfillDate(DateTimeOffset LogicalDate, BackfillDateState State, Guid? RunId, RunStatus? RunStatus, string? Note);
