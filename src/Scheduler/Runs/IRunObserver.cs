namespace Scheduler.Runs;

/// <summary>
/// Hears about runs after their change is stored (metrics, alerts, later dependants), so the lifecycle depends on none
/// of them. Called once per change by the call that stored it; an observer's failure is logged, never undoes the change.
/// </summary>
internal interface IRunObserver
{
    /// <summary>A run was reserved (Submitting) or recorded Skipped.</summary>
    void RunReserved(RunRecord run)
    {
    }

    /// <summary>A run began to wait for a slot of its target (Queued): at its first submit, or after ActiveStatementsExceededException.</summary>
    void RunQueued(RunRecord run)
    {
    }

    /// <summary>A run reached a terminal status.</summary>
    void RunEnded(RunRecord run)
    {
    }

    /// <summary>A cancel has not been confirmed by Redshift past the grace: the outcome is not known yet (once per run).</summary>
    void OutcomeUnconfirmed(RunRecord run)
    {
    }

    /// <summary>
    /// The retry due for an ended run (its <see cref="RunSummary.RetryAt"/>) will not be made (its mart is gone, disabled
    /// or paused; <see cref="RunSummary.StatusReason"/> says why): the run's outcome is final now. <see cref="RunEnded"/>
    /// was called when it ended, with <see cref="RunSummary.RetryAt"/> set.
    /// </summary>
    void RetryAbandoned(RunRecord run)
    {
    }
}
