namespace Scheduler.Runs.Triggers;

/// <summary>Starts and cancels runs: what "Run now" (dashboard, API, CLI) and the cron schedules call.</summary>
internal interface IRunTrigger
{
    /// <summary>
    /// Reserves a run of the mart and enqueues its submit job. At most one run per mart is active: if one is, a Skipped
    /// run naming it is recorded and returned instead. The trigger gate may refuse it (disabled mart, paused mart, global pause).
    /// </summary>
    Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="TriggerAsync(string, RunTrigger, CancellationToken)"/> with a logical date, parameter overrides
    /// (checked: an unknown, built-in or empty one is <see cref="TriggerOutcome.Invalid"/>) and the rest of <paramref name="request"/>.
    /// </summary>
    Task<TriggerResult> TriggerAsync(string martName, RunRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Cancels an active run: it becomes Cancelling at once, a poll enqueued now sends CancelStatement, and the run ends
    /// when Redshift says how the statement ended (Cancelled on ABORTED). A run nothing was ever sent for is cancelled on
    /// the spot; one whose submit may be in flight is looked up by name instead of being sent.
    /// </summary>
    Task<CancelResult> CancelAsync(Guid runId, CancellationToken cancellationToken);
}
