namespace Scheduler.Runs;

/// <summary>Starts and cancels runs: what "Run now" (dashboard, API, CLI) and the cron schedules call.</summary>
public interface IRunTrigger
{
    /// <summary>
    /// Reserves a run of the mart and enqueues its submit job. At most one run per mart is active: if one is, a Skipped
    /// run naming it is recorded and returned instead. The trigger gate may refuse it (disabled mart, paused mart, global pause).
    /// </summary>
    Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels an active run: CancelStatement, then the next poll (enqueued at once) sees ABORTED and records Cancelled.
    /// A run not yet sent to Redshift is cancelled on the spot.
    /// </summary>
    Task<CancelResult> CancelAsync(Guid runId, CancellationToken cancellationToken);
}
